"""The rows of the benchmark data sets (``bench/dataset.py`` builds and keeps the
sets): ``bulk_insert`` fills a migrated, seeded database with set-based SQL
(``INSERT … SELECT … generate_series``), foreign-key triggers off while inserting
and the big full-text indexes built afterwards. Bump ``dataset.DATASET_VERSION``
when the rows change."""
# The SQL below is put together from this module's constants only; every value from
# outside (sizes, the copied hash and ciphertext) is a bound parameter.
# ruff: noqa: S608
from __future__ import annotations

import re
import time

import psycopg

POSTS_PER_THREAD = 20
PRODUCTS_PER_BUSINESS = 10
COUNSELORS = 12  # demo counselors included
TRAININGS = 300
PAST_MARKET_WEEKS = 130
STALLS_PER_DAY = 40
# Indexes rebuilt after the bulk insert instead of being kept up to date row by row.
DEFERRED_INDEXES = ("ix_community_posts_search", "ix_community_posts_author_created",
                    "ix_notifications_user_read", "ix_market_products_search")

NOW = "(now() at time zone 'utc')"
YEAR = "interval '365 days'"


def bulk_insert(conn: psycopg.Connection, size: dict, steps: dict, log) -> None:
    from accounts.data import REGENCIES

    regencies = "ARRAY[" + ",".join(f"'{slug}'" for slug, _ in REGENCIES[:22]) + "]"
    hash_row = conn.execute("SELECT password_hash FROM users ORDER BY id LIMIT 1").fetchone()
    what_row = conn.execute("SELECT what, secret_hash FROM reports ORDER BY id LIMIT 1").fetchone()
    saved = {row[0]: row[1] for row in conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", (list(DEFERRED_INDEXES),))}
    for index in saved:
        conn.execute(f"DROP INDEX {index}")
    conn.execute("SET session_replication_role = replica")  # no FK triggers while bulk loading
    conn.execute("SET maintenance_work_mem = '256MB'")
    p = {"members": size["members"], "hash": hash_row[0]}

    def run(sql: str):
        # Every % of the SQL is a modulo or a LIKE wildcard unless it is a %(name)s placeholder.
        sql = re.sub(r"%(?!\(\w+\)s)", "%%", sql.replace("%%", "%"))
        return conn.execute(sql, p)

    def step(label: str, sql: str) -> None:
        t0 = time.monotonic()
        result = run(sql)
        conn.commit()
        steps[label] = time.monotonic() - t0
        log(f"{label}: {result.rowcount} rows in {steps[label]:.1f} s")

    step("members", f"""
        INSERT INTO users (name, phone, password_hash, regency, country_returned, return_year,
                           locale, active, session_token, created_at, confirmed_at)
        SELECT 'Anggota ' || n, '+62813' || lpad(n::text, 8, '0'), %(hash)s,
               ({regencies})[1 + n % 22], (ARRAY['MY','HK','SG','TW','SA'])[1 + n % 5],
               2015 + n % 11, 'id', true, md5('bench' || n), {NOW} - (n % 1000) * interval '1 day',
               {NOW} - (n % 1000) * interval '1 day'
        FROM generate_series(1, %(members)s) n""")
    first = run("SELECT min(id), max(id) FROM users WHERE phone LIKE '+62813%'").fetchone()
    p.update(u0=first[0], un=first[1] - first[0] + 1)
    member = "(%(u0)s + ({x}) %% %(un)s)"
    step("roles, consents, forum handles", """
        WITH m AS (SELECT id, created_at FROM users WHERE phone LIKE '+62813%%'),
        r AS (INSERT INTO user_roles (user_id, role, granted_at) SELECT id, 'member', created_at FROM m),
        c AS (INSERT INTO consents (user_id, purpose, version, granted_at)
              SELECT id, 'privacy_notice', '2026-11', created_at FROM m)
        INSERT INTO community_member_profiles (user_id, handle, created_at)
        SELECT id, 'anggota' || id, created_at FROM m""")

    # Forum: threads in every category (safe rooms included), 20 posts each, spread
    # over three years; the newest first in each category.
    p["threads"] = size["threads"]
    p["minutes"] = 3 * 365 * 24 * 60 // size["threads"]
    step("forum threads", f"""
        WITH cats AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(is_safe_room ORDER BY id) AS safe
                      FROM community_categories)
        INSERT INTO community_threads (category_id, author_id, title, is_anonymous, anon_no, status,
            is_pinned, is_locked, reply_count, last_post_id, last_activity_at, created_at, was_in_safe_room)
        SELECT ids[1 + n % array_length(ids, 1)], {member.format(x='n * 7919')},
               'Topik ' || n || ': ' || (ARRAY['modal usaha se''i di Kupang', 'tenun ikat dan pasar',
                 'mengurus KTP setelah pulang', 'tidur susah sejak pulang', 'kopi Bajawa untuk dijual',
                 'tawaran kerja lewat Facebook', 'pelatihan barista', 'KUR untuk usaha kecil'])[1 + n % 8],
               safe[1 + n % array_length(ids, 1)] AND n % 4 = 0,
               CASE WHEN safe[1 + n % array_length(ids, 1)] AND n % 4 = 0 THEN 100 + n % 900 END,
               'visible', false, false, {POSTS_PER_THREAD - 1}, 0,
               {NOW} - n * %(minutes)s * interval '1 minute',
               {NOW} - n * %(minutes)s * interval '1 minute' - interval '1 day',
               safe[1 + n % array_length(ids, 1)]
        FROM cats, generate_series(1, %(threads)s) n""")
    step("forum posts", f"""
        INSERT INTO community_posts (thread_id, author_id, is_first, is_anonymous, anon_no, body_source,
            body_html, search_text, status, reaction_count, has_crisis_words, created_at, hidden_by_reports)
        SELECT t.id, CASE WHEN s = 1 THEN t.author_id ELSE {member.format(x='t.id * 31 + s * 7')} END,
               s = 1, s = 1 AND t.is_anonymous, CASE WHEN s = 1 THEN t.anon_no END,
               b.body, '<p>' || b.body || '</p>', b.body, 'visible', (t.id + s) % 5, false,
               t.created_at + s * interval '1 hour', false
        FROM community_threads t CROSS JOIN generate_series(1, {POSTS_PER_THREAD}) s
        CROSS JOIN LATERAL (SELECT 'Balasan ' || s || ' di topik ' || t.id || '. ' ||
             (ARRAY['Saya juga baru pulang dari Malaysia dan mau buka usaha kecil di rumah.',
                    'Modal awal bisa dari tabungan, tapi hati-hati dengan pinjaman online.',
                    'Di Kupang ada pelatihan gratis dari BLK, coba daftar lewat halaman pelatihan.',
                    'Terima kasih sudah berbagi, cerita ini membantu saya.',
                    'Kalau mau jual se''i, pasar malam SABOAK ramai setiap Sabtu.'])[1 + (t.id + s) % 5] ||
             ' ' || (ARRAY['Salam dari Oesao.', 'Semangat!', 'Tuhan berkati.', ''])[1 + s % 4] AS body) b
        WHERE t.title LIKE 'Topik %%'""")
    step("forum counters", """
        UPDATE community_threads t SET last_post_id = agg.last_id,
               reply_count = agg.n - 1, last_activity_at = agg.last_at
        FROM (SELECT thread_id, max(id) AS last_id, count(*) AS n, max(created_at) AS last_at
              FROM community_posts GROUP BY thread_id) agg WHERE agg.thread_id = t.id""")
    run("""
        UPDATE community_categories c SET
          thread_count = (SELECT count(*) FROM community_threads t WHERE t.category_id = c.id AND t.status = 'visible'),
          last_activity_at = (SELECT max(last_activity_at) FROM community_threads t WHERE t.category_id = c.id)""")
    conn.commit()

    # Counseling: twelve counselors with the first demo counselor's week, and
    # appointments over three years (past ones attended, cancelled, no-show).
    existing = conn.execute("SELECT count(*) FROM counselor_profiles").fetchone()[0]
    p["extra_counselors"] = max(0, COUNSELORS - existing)
    step("counselors", f"""
        WITH u AS (SELECT id FROM users WHERE phone LIKE '+62813%%' ORDER BY id LIMIT %(extra_counselors)s),
        r AS (INSERT INTO user_roles (user_id, role, granted_at) SELECT id, 'counselor', {NOW} FROM u)
        INSERT INTO counselor_profiles (user_id, bio, languages, modes, place, accepts_new_clients,
            requires_confirmation, session_minutes, buffer_minutes, min_notice_hours, horizon_days,
            daily_max, cancel_notice_hours, active, created_at)
        SELECT u.id, p.bio, p.languages, p.modes, p.place, true, p.requires_confirmation,
               p.session_minutes, p.buffer_minutes, p.min_notice_hours, p.horizon_days, p.daily_max,
               p.cancel_notice_hours, true, {NOW}
        FROM u, (SELECT * FROM counselor_profiles ORDER BY id LIMIT 1) p""")
    run("""
        INSERT INTO counselor_availability (counselor_id, weekday, start_minute, end_minute)
        SELECT c.id, a.weekday, a.start_minute, a.end_minute
        FROM counselor_profiles c CROSS JOIN counselor_availability a
        WHERE a.counselor_id = (SELECT min(id) FROM counselor_profiles)
          AND NOT EXISTS (SELECT 1 FROM counselor_availability x WHERE x.counselor_id = c.id)""")
    conn.commit()
    p["appointments"] = size["appointments"]
    per_counselor = size["appointments"] // COUNSELORS
    p["step"] = max(30, (3 * 365 * 24 * 60 // per_counselor) // 30 * 30)
    step("appointments", f"""
        WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM counselor_profiles),
        a AS (SELECT n, ids[1 + n % {COUNSELORS}] AS counselor,
                     date_trunc('hour', {NOW} - 2.5 * {YEAR}) + (n / {COUNSELORS}) * %(step)s * interval '1 minute' AS starts
              FROM c, generate_series(0, %(appointments)s + 99) n)
        INSERT INTO appointments (counselor_id, member_id, starts_at, ends_at, mode, status, urgent,
            late_cancellation, created_at, updated_at, confirmed_at, cancelled_at)
        SELECT counselor, {member.format(x='n * 13')}, starts, starts + interval '60 minutes',
               (ARRAY['in_person','phone','video'])[1 + n % 3],
               CASE WHEN starts < {NOW} THEN (ARRAY['attended','attended','attended','attended','attended',
                         'attended','cancelled','cancelled','no_show','declined'])[1 + n % 10]
                    WHEN n % 4 = 0 THEN 'confirmed' ELSE 'cancelled' END,
               false, false, least({NOW}, starts - interval '7 days'), least({NOW}, starts - interval '6 days'),
               least({NOW}, starts - interval '6 days'),
               CASE WHEN n % 10 IN (6, 7) OR (starts >= {NOW} AND n % 4 <> 0) THEN least({NOW}, starts - interval '1 day') END
        FROM a WHERE NOT EXISTS (SELECT 1 FROM appointments x WHERE x.counselor_id = a.counselor
                                 AND x.starts_at = a.starts)  -- the demo's own
        ORDER BY n LIMIT %(appointments)s""")

    # Trainings over three years (the same in both sets) and registrations.
    step("trainings", f"""
        INSERT INTO training_sessions (title, description, provider, place, regency, tags, starts_at, ends_at,
            registration_deadline_at, capacity, status, schedule_version, created_at, updated_at)
        SELECT 'Pelatihan ' || (ARRAY['barista kopi Bajawa', 'tenun ikat', 'pembukuan usaha kecil',
                 'jualan online', 'menjahit', 'servis HP'])[1 + n % 6] || ' #' || n,
               'Pelatihan praktik selama satu hari. Bawa alat tulis.', (ARRAY['city','bank','blk','bp3mi','community'])[1 + n % 5],
               'Aula Dinas Koperasi, Kupang', ({regencies})[1 + n % 22], 'usaha,pelatihan',
               s, s + interval '6 hours', s - interval '2 days', 400, 'scheduled', 1, s - interval '30 days',
               s - interval '30 days'
        FROM generate_series(1, {TRAININGS}) n,
             LATERAL (SELECT date_trunc('hour', {NOW} - 2.5 * {YEAR}) + n * (3 * {YEAR} / {TRAININGS}) AS s) x""")
    p["registrations"] = size["registrations"]
    step("training registrations", f"""
        WITH t AS (SELECT array_agg(id ORDER BY id) AS ids FROM training_sessions WHERE title LIKE 'Pelatihan %% #%%')
        INSERT INTO training_registrations (session_id, user_id, status, seat_no, created_at, confirmed_at)
        SELECT ids[1 + n % {TRAININGS}], %(u0)s + n %% %(un)s, 'confirmed', 1 + n / {TRAININGS}, {NOW}, {NOW}
        FROM t, generate_series(0, %(registrations)s - 1) n""")

    # KUR: older applications finished, the newest in the staff's stages.
    p["kur"] = size["kur"]
    step("KUR applications", f"""
        INSERT INTO kur_applications (user_id, business_name, business_months, regency, amount, bank, has_ektp,
            adult_or_married, no_other_credit, doc_ktp, doc_kk, doc_business_letter, doc_npwp, stage,
            stage_changed_at, appointment_version, created_at, updated_at)
        SELECT %(u0)s + (n * 3) %% %(un)s, 'Usaha ' || n, 6 + n % 60, ({regencies})[1 + n % 22],
               5000000 + (n % 20) * 1000000, (ARRAY['bank-ntt','bri','bni','mandiri'])[1 + n % 4],
               true, true, true, true, true, n % 2 = 0, false,
               CASE WHEN n > %(kur)s * 0.95 THEN (ARRAY['preparing','submitted','survey','decision'])[1 + n % 4]
                    ELSE (ARRAY['disbursed','rejected','withdrawn'])[1 + n % 3] END,
               c, 0, c, c
        FROM generate_series(1, %(kur)s) n,
             LATERAL (SELECT {NOW} - (%(kur)s - n) * (3 * {YEAR} / %(kur)s) AS c) x""")

    # Inbox rows: a thousand for the demo member, the rest spread over everyone.
    p["notifications"] = size["notifications"]
    p["mine"] = size["member_notifications"]
    p["note_title"] = "Ada balasan baru di topik yang Anda ikuti: %(title)s"
    step("notifications", f"""
        INSERT INTO notifications (user_id, key, title, params, url, created_at, read_at)
        SELECT CASE WHEN n <= %(mine)s THEN (SELECT id FROM users WHERE phone = '+6281200000001')
                    ELSE {member.format(x='n')} END,
               'bench:' || n, %(note_title)s,
               json_build_object('title', 'Topik ' || n), '/forum/t/' || (1 + n % 1000),
               {NOW} - n * interval '1 minute', CASE WHEN n % 3 > 0 THEN {NOW} END
        FROM generate_series(1, %(notifications)s) n""")

    # Civil-registration help: the last two months open, older ones finished.
    p["adminduk"] = size["adminduk"]
    step("adminduk requests", f"""
        WITH r AS (
          INSERT INTO adminduk_requests (member_id, regency, description, status, status_changed_at, created_at,
              finished_at)
          SELECT {member.format(x='n * 17')}, ({regencies})[1 + n % 22],
                 'Saya perlu bantuan mengurus dokumen setelah pulang dari luar negeri.',
                 CASE WHEN c > {NOW} - interval '60 days'
                      THEN (ARRAY['submitted','in_review','needs_info','ready','at_dukcapil'])[1 + n % 5]
                      ELSE (ARRAY['done','done','closed'])[1 + n % 3] END,
                 c, c, CASE WHEN c <= {NOW} - interval '60 days' THEN c + interval '20 days' END
          FROM generate_series(1, %(adminduk)s) n,
               LATERAL (SELECT {NOW} - (%(adminduk)s - n) * (3 * {YEAR} / %(adminduk)s) AS c) x
          RETURNING id)
        INSERT INTO adminduk_request_services (request_id, service)
        SELECT id, (ARRAY['ktp-new','ktp-address','kk-spouse','kk-child','child-abroad','ikd'])[1 + id % 6] FROM r""")

    # Marketplace: businesses (most approved, some waiting for the curators) with ten products each.
    p["businesses"] = size["businesses"]
    step("market businesses", f"""
        WITH b AS (
          INSERT INTO market_businesses (name, category, description, regency, only_at_market, whatsapp, delivers,
              cash_on_delivery, stall_only, status, approved_at, paused, suspended, verified, returnee,
              search_text, created_by_id, created_at, updated_at)
          SELECT nm, (ARRAY['kuliner','kerajinan','fashion','hasil_bumi','jasa','lainnya'])[1 + n % 6], d,
                 ({regencies})[1 + n % 22], false, '+62813' || lpad(n::text, 8, '0'), n % 2 = 0, n % 3 = 0, false,
                 CASE WHEN n % 20 = 0 THEN 'pending' ELSE 'approved' END,
                 CASE WHEN n % 20 <> 0 THEN c END, false, false, n % 5 = 0, true, nm || ' ' || d,
                 {member.format(x='n * 11')}, c, c
          FROM generate_series(1, %(businesses)s) n,
               LATERAL (SELECT {NOW} - (%(businesses)s - n) * (3 * {YEAR} / %(businesses)s) AS c,
                 (ARRAY['Se''i', 'Kopi', 'Tenun', 'Jagung Bose', 'Servis HP', 'Anyaman', 'Madu'])[1 + n % 7]
                   || ' Usaha ' || n AS nm,
                 'Usaha rumahan milik purna pekerja migran di NTT. Pesan lewat WhatsApp.' AS d) x
          RETURNING id, created_by_id, created_at),
        m AS (INSERT INTO market_business_members (business_id, user_id, role, accepted_at, created_at)
              SELECT id, created_by_id, 'owner', created_at, created_at FROM b)
        INSERT INTO market_products (business_id, name, description, price, unit, tags, sold_out, position,
            search_text, created_at, updated_at)
        SELECT b.id, pn, 'Buatan sendiri, segar setiap hari.', 10000 + k * 5000,
               (ARRAY['piece','kg','pack','portion','bottle'])[1 + k % 5], 'ntt,buatan-sendiri', k = 10, k,
               pn || ' Buatan sendiri, segar setiap hari.', b.created_at, b.created_at
        FROM b CROSS JOIN generate_series(1, {PRODUCTS_PER_BUSINESS}) k,
             LATERAL (SELECT (ARRAY['Se''i babi', 'Kopi bubuk', 'Kain tenun', 'Sambal lu''at', 'Gula lontar'])[1 + k % 5]
                      || ' ' || k AS pn) y""")
    conn.execute("UPDATE market_cache_state SET version = version + 1")
    conn.commit()

    # Market days: the weekly market's past weeks with forty stalls taken each (the same in both sets).
    step("market days and stall applications", f"""
        WITH mk AS (SELECT m.id, min(d.day) AS first FROM stall_markets m JOIN market_days d ON d.market_id = m.id
                    WHERE m.kind = 'weekly' GROUP BY m.id ORDER BY m.id LIMIT 1),
        days AS (INSERT INTO market_days (market_id, day, status, created_at)
                 SELECT mk.id, mk.first - 7 * w, 'scheduled', {NOW} FROM mk, generate_series(1, {PAST_MARKET_WEEKS}) w
                 RETURNING id, market_id, day),
        st AS (SELECT id, zone, row_number() OVER (ORDER BY id) AS k FROM stalls
               WHERE market_id = (SELECT id FROM mk) AND active),
        bz AS (SELECT id, row_number() OVER (ORDER BY id) AS k, created_by_id FROM market_businesses
               WHERE status = 'approved')
        INSERT INTO stall_applications (business_id, applicant_id, market_id, market_day_id, zone, status,
            stall_id, decided_at, paid_at, checked_in_at, created_at, updated_at)
        SELECT bz.id, bz.created_by_id, days.market_id, days.id, st.zone, 'attended', st.id,
               days.day - 5, days.day - 4, days.day + interval '17 hours', days.day - 10, days.day
        FROM days JOIN st ON st.k <= {STALLS_PER_DAY}
        JOIN bz ON bz.k = 1 + ((days.id * {STALLS_PER_DAY} + st.k) % (SELECT count(*) FROM bz))""")

    # Lapor: reports over three years (the demo's first encrypted text), the newest open.
    p.update(reports=size["reports"], what=what_row[0], secret=what_row[1])
    step("Lapor reports", f"""
        INSERT INTO reports (code, secret_hash, kind, regency, urgent, status, what, reporter_id, close_reason,
            created_at, first_action_at, status_changed_at, closed_at)
        SELECT 'LPR-B' || lpad(n::text, 7, '0'), %(secret)s,
               (ARRAY['recruiter','fees','fake_ad','held','abused','unofficial_route'])[1 + n % 6],
               ({regencies})[1 + n % 22], n % 50 = 0,
               CASE WHEN c > {NOW} - interval '45 days' THEN (ARRAY['received','verifying','referred'])[1 + n % 3]
                    ELSE 'closed' END,
               %(what)s, CASE WHEN n % 2 = 0 THEN {member.format(x='n * 19')} END,
               CASE WHEN c <= {NOW} - interval '45 days' THEN 'acted_on' END,
               c, c + interval '1 day', c + interval '1 day',
               CASE WHEN c <= {NOW} - interval '45 days' THEN c + interval '30 days' END
        FROM generate_series(1, %(reports)s) n,
             LATERAL (SELECT {NOW} - (%(reports)s - n) * (3 * {YEAR} / %(reports)s) AS c) x""")

    conn.execute("SET session_replication_role = origin")
    t0 = time.monotonic()
    for definition in saved.values():
        conn.execute(definition)
        conn.commit()
    steps["indexes"] = time.monotonic() - t0
    log(f"indexes rebuilt in {steps['indexes']:.1f} s")
    t0 = time.monotonic()
    conn.autocommit = True
    conn.execute("VACUUM (ANALYZE)")
    steps["vacuum analyze"] = time.monotonic() - t0
    log(f"vacuum analyze {steps['vacuum analyze']:.1f} s")
