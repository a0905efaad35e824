"""The forum's starting data. ``seed_defaults``: the crisis words and help lines
every installation starts with (production too, ``flask community seed-defaults``).
``seed_forum``: the demo forum for ``flask seed-demo``, the seven categories, each with
believable threads and replies in Bahasa Indonesia. Both idempotent: a list an admin
has emptied stays empty, a category that already has threads is left alone. Only
flushes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from accounts.models import User
from accounts.phones import normalise_phone
from accounts.services import create_user_with_roles, find_by_login
from community import markdown
from community.models import Category, CrisisTerm, Hotline, Post, Thread, ThreadMember
from community.posting import new_post
from community.profiles import PROFILE_PATH, profile_for
from community.reading import refresh_category, refresh_thread
from core.db import utcnow
from core.extensions import db

# Phrases in context, not common words on their own: "dijual" alone marked every
# sales post in Usaha & UMKM as a crisis (issue 8, item 21).
DEFAULT_CRISIS_TERMS = [
    "bunuh diri", "ingin mati", "mau mati", "mengakhiri hidup", "disiksa", "dianiaya",
    "paspor ditahan", "dokumen ditahan", "dijual ke", "dijual oleh agen", "dijual agen",
    "diperdagangkan", "disekap",
    "suicide", "kill myself", "want to die", "end my life", "abused", "trafficked",
    "passport held",
]
DEFAULT_HOTLINES = [
    ("SEJIWA", "119 ext 8",
     "Layanan konsultasi kesehatan jiwa. Tekan 8 setelah tersambung ke 119.",
     "Mental health support line. Press 8 after you reach 119."),
    ("Crisis Center KP2MI/BP2MI", "0800-1000",
     "Pengaduan pekerja migran: kekerasan, gaji tidak dibayar, paspor ditahan, pemulangan. Gratis.",
     "Migrant worker complaints: abuse, unpaid wages, held passports, repatriation. Free."),
    ("SAPA 129", "129",
     "Layanan Sahabat Perempuan dan Anak untuk kekerasan terhadap perempuan dan anak.",
     "Support line for violence against women and children."),
    ("Polisi", "110", "Keadaan darurat dan kejahatan.", "Emergencies and crime."),
]



def seed_defaults() -> None:
    """The crisis words and hotlines every installation starts with (idempotent:
    only when the admin lists are empty, so an admin's deletions stick)."""
    if db.session.scalar(select(func.count(CrisisTerm.id))) == 0:
        for phrase in DEFAULT_CRISIS_TERMS:
            db.session.add(CrisisTerm(phrase=phrase))
    if db.session.scalar(select(func.count(Hotline.id))) == 0:
        for position, (name, number, desc_id, desc_en) in enumerate(DEFAULT_HOTLINES):
            db.session.add(
                Hotline(name=name, number=number, description_id=desc_id,
                        description_en=desc_en, position=position)
            )
    db.session.flush()


CATEGORIES = [
    # slug, name_id, name_en, description_id, description_en, safe room, calo banner
    ("perkenalan", "Perkenalan", "Introductions",
     "Kenalan dengan sesama purna PMI: dari mana, pernah bekerja di mana, sekarang sibuk apa.",
     "Meet other returned migrant workers: where you are from, where you worked, what you do now.",
     False, False),
    ("pengalaman-luar-negeri", "Pengalaman di Luar Negeri", "Experiences Abroad",
     "Cerita kerja di Malaysia, Singapura, Hong Kong, Taiwan, Arab Saudi dan lainnya.",
     "Stories of working in Malaysia, Singapore, Hong Kong, Taiwan, Saudi Arabia and elsewhere.",
     True, False),
    ("usaha-umkm", "Usaha & UMKM", "Business & Small Enterprise",
     "Membuka usaha sepulang dari luar negeri: modal, pemasaran, lapak, dan izin usaha.",
     "Starting a business after returning: capital, marketing, stalls and licences.",
     False, False),
    ("adminduk-dokumen", "Adminduk & Dokumen", "Civil Registration & Documents",
     "KTP, KK, akta, dan dokumen lain: pengalaman mengurus di Dukcapil.",
     "ID cards, family cards, certificates: experiences at the civil registry office.",
     False, False),
    ("kesehatan-mental", "Kesehatan Mental", "Mental Health",
     "Ruang aman untuk bercerita tentang rasa sedih, cemas, dan lelah. Anda boleh menulis tanpa nama.",
     "A safe room to talk about sadness, worry and exhaustion. You may write anonymously.",
     True, False),
    ("waspada-calo", "Waspada Calo & TPPO", "Beware of Brokers & Trafficking",
     "Saling mengingatkan tentang calo, agen tidak resmi, dan perdagangan orang (TPPO).",
     "Warning each other about brokers, unlicensed agencies and human trafficking.",
     True, True),
    ("pelatihan-kur", "Info Pelatihan & KUR", "Training & KUR Info",
     "Info pelatihan keterampilan dan Kredit Usaha Rakyat (KUR) untuk purna PMI.",
     "Skills training and People's Business Credit (KUR) for returned migrant workers.",
     False, False),
]

EXTRA_MEMBERS = [
    # Not the counselors' names (Daniel Lay and Ester Bana are demo counselors).
    ("forum1", "081200000401", "Yakobus Bria", "belu", "MY", 2022),
    ("forum2", "081200000402", "Orpa Selan", "tts", "HK", 2020),
    ("forum3", "081200000403", "Melkianus Kana", "sumba-timur", "SA", 2018),
    ("forum4", "081200000404", "Theresia Laka", "rote-ndao", "TW", 2024),
]

RENAMED = {"Daniel Lay", "Ester Bana"}
# A demo author joined this long before their first seeded post, so weeks-old posts
# are not written by "new members" (who may not post links on their first day).
MEMBER_BEFORE_FIRST_POST = timedelta(days=30)

# category slug -> threads: (title, author key, anonymous, days ago, body, replies)
# replies: (author key, anonymous, body)
THREADS = {
    "perkenalan": [
        ("Salam kenal dari Kota Kupang", "member", False, 20,
         "Halo semua, saya Maria dari Oebobo, Kota Kupang. Enam tahun bekerja sebagai pekerja rumah tangga di Johor, Malaysia, pulang tahun 2023. Sekarang sedang belajar jualan **jagung bose** dan sambal lu'at. Senang bisa kenal teman-teman di sini.",
         [("forum1", False, "Salam kenal Kak Maria. Saya Yakobus dari Atambua, Belu. Dulu di perkebunan sawit di Sabah. Semoga usahanya lancar."),
          ("forum2", False, "Selamat datang, Kak. Kalau butuh teman cerita soal usaha, di kategori Usaha & UMKM banyak yang berbagi.")]),
        ("Baru pulang dari Taiwan, bingung mulai dari mana", "forum4", False, 6,
         "Saya Theresia dari Rote Ndao, baru tiga bulan pulang dari Taiwan. Rasanya masih canggung di kampung. Ada yang dulu merasa begitu juga? Apa yang membantu kalian?",
         [("member", False, "Saya juga begitu waktu baru pulang. Yang membantu saya: ikut kumpul kelompok purna PMI di kelurahan dan mulai usaha kecil-kecilan."),
          ("moderator", False, "Selamat datang, Kak Theresia. Kalau mau bicara dengan konselor, ada layanan konseling gratis di menu **Konseling**.")]),
    ],
    "pengalaman-luar-negeri": [
        ("Tips menyimpan gaji waktu kerja di Malaysia", "vendor", False, 15,
         "Dulu saya kirim uang lewat teman dan sering hilang di jalan. Akhirnya saya buka rekening sendiri dan kirim lewat bank resmi.\n\n- Simpan slip gaji\n- Foto semua bukti transfer\n- Jangan titip paspor ke siapa pun",
         [("forum1", False, "Betul sekali. Saya dulu rugi karena titip uang ke mandor."),
          ("forum3", False, "Di Arab Saudi juga sama. Bukti transfer itu penting kalau ada masalah gaji.")]),
        ("Majikan dulu sering marah, sekarang masih terbawa mimpi", "forum2", True, 4,
         "Saya tulis tanpa nama karena malu. Tiga tahun di Hong Kong majikan sering membentak dan tidak kasih libur. Sekarang sudah pulang, tapi masih sering mimpi buruk. Apa ini normal?",
         [("forum4", True, "Kak, saya juga pernah begitu. Bicara dengan konselor sangat menolong saya. Kakak tidak sendiri."),
          ("counselor", False, "Terima kasih sudah berani bercerita. Mimpi buruk setelah pengalaman berat itu wajar, dan bisa membaik. Kalau mau, Kakak bisa membuat jadwal konseling; ceritanya dijaga kerahasiaannya.")]),
    ],
    "usaha-umkm": [
        ("Jualan se'i sapi di pasar SABOAK, ada yang mau gabung?", "vendor", False, 10,
         "Saya Yohanes, jualan **se'i sapi** dan se'i babi di Kabupaten Kupang. Hari Minggu mau coba buka lapak di pasar SABOAK. Ada teman purna PMI yang mau jualan bareng supaya sewa lapak lebih ringan?",
         [("member", False, "Saya mau, Kak. Saya bisa bawa jagung bose dan sambal lu'at."),
          ("forum3", False, "Semoga laris. Jangan lupa daftar NIB (Nomor Induk Berusaha) supaya gampang ikut program pemerintah.")]),
        ("Usaha servis HP dengan modal kecil", "forum1", False, 8,
         "Waktu di Malaysia saya belajar servis HP dari teman. Sekarang buka kios kecil di Atambua. Modal awal sekitar Rp5 juta untuk alat dan suku cadang. Yang penting jujur ke pelanggan.",
         [("vendor", False, "Mantap, Kak Yakobus. Apakah sudah coba pasang info di grup WhatsApp kelurahan?")]),
    ],
    "adminduk-dokumen": [
        ("Pengalaman ganti KK setelah pulang", "forum3", False, 12,
         "Saya urus perubahan KK di Dukcapil Sumba Timur. Bawa KK lama, KTP, dan surat keterangan pindah. Selesai dua minggu. **Gratis**, tidak ada biaya sama sekali.",
         [("registrar", False, "Terima kasih sudah berbagi. Benar, layanan adminduk di Dukcapil gratis. Kalau ada yang minta bayaran, laporkan saja."),
          ("member", False, "Bagus sekali infonya. Saya juga mau urus akta anak.")]),
        ("Paspor hilang waktu pulang, bagaimana mengurusnya?", "forum4", False, 3,
         "Paspor saya hilang di perjalanan pulang. Apakah perlu lapor polisi dulu sebelum ke kantor imigrasi?",
         [("registrar", False, "Ya, minta surat keterangan hilang dari polisi dulu, lalu bawa ke kantor imigrasi bersama KTP dan KK.")]),
    ],
    "kesehatan-mental": [
        ("Susah tidur sejak pulang", "forum3", True, 5,
         "Sejak pulang dari Arab Saudi saya susah tidur dan gampang marah ke keluarga. Saya tidak tahu harus cerita ke siapa.",
         [("member", True, "Peluk dari jauh, Kak. Saya juga pernah begitu. Jalan pagi dan cerita ke teman yang dipercaya sedikit membantu."),
          ("counselor", False, "Terima kasih sudah menulis. Susah tidur dan mudah marah sering muncul setelah masa kerja yang berat. Kalau mau, kita bisa bicara di sesi konseling.")]),
        ("Cara sederhana menenangkan diri", "counselor", False, 9,
         "Beberapa cara sederhana yang bisa dicoba:\n\n1. Tarik napas pelan empat hitungan, tahan, lalu hembuskan enam hitungan.\n2. Tulis tiga hal kecil yang disyukuri hari ini.\n3. Cerita ke satu orang yang Anda percaya.\n\nKalau rasa berat tidak hilang, layanan konseling di Rumah Purna gratis.",
         [("forum2", False, "Terima kasih, Kak Agustina. Nomor dua saya coba setiap malam.")]),
    ],
    "waspada-calo": [
        ("Hati-hati tawaran kerja ke Malaysia lewat Facebook", "forum1", False, 7,
         "Ada orang menawarkan kerja di Malaysia tanpa biaya, berangkat minggu depan, paspor diurus dia. Setelah saya cek, perusahaannya tidak terdaftar. Teman-teman, **selalu cek izin P3MI** di situs KP2MI/BP2MI sebelum berangkat.",
         [("moderator", False, "Terima kasih sudah mengingatkan. Penempatan resmi tidak memungut biaya dari calon pekerja untuk banyak jabatan, dan izin perusahaan bisa dicek di KP2MI/BP2MI atau Disnakertrans."),
          ("forum2", True, "Saya dulu berangkat lewat calo seperti itu. Di sana paspor saya ditahan agen setahun. Jangan sampai terjadi ke yang lain.")]),
        ("Calo minta uang untuk mengurus KTP", "member", False, 2,
         "Di kampung ada orang yang minta Rp500 ribu untuk mengurus KTP elektronik \"lebih cepat\". Bukankah itu gratis?",
         [("registrar", False, "Betul, KTP elektronik gratis di Dukcapil. Jangan bayar ke perantara. Kalau perlu pendampingan, ajukan permintaan bantuan adminduk di Rumah Purna.")]),
    ],
    "pelatihan-kur": [
        ("Pengalaman mengajukan KUR untuk usaha tenun ikat", "forum2", False, 11,
         "Saya ajukan KUR (Kredit Usaha Rakyat) mikro Rp10 juta untuk benang dan alat tenun. Syaratnya KTP, KK, NIB, dan foto usaha. Prosesnya sekitar tiga minggu.",
         [("vendor", False, "Terima kasih infonya. Bunganya berapa, Kak?"),
          ("forum2", False, "Bunga KUR mikro sekitar 6 persen setahun, tapi tanya langsung ke bank karena bisa berubah.")]),
        ("Pelatihan barista kopi Bajawa di Kupang", "umkm_staff", False, 1,
         "Bulan depan ada pelatihan barista dengan kopi Bajawa untuk purna PMI di Kota Kupang. Gratis, tempat terbatas. Info lengkap ada di menu pelatihan.",
         [("member", False, "Wah, saya mau ikut. Terima kasih infonya.")]),
    ],
}


def _extra_members() -> dict[str, User]:
    from core.cli import DEMO_PASSWORD

    members = {}
    for key, phone, name, regency, country, year in EXTRA_MEMBERS:
        e164 = normalise_phone(phone)
        user = find_by_login(e164)
        if user is None:
            user = create_user_with_roles(name, e164, DEMO_PASSWORD, ["member"])
            user.regency = regency
            user.country_returned = country
            user.return_year = year
        elif user.name in RENAMED:  # a database seeded before the rename
            user.name = name
        members[key] = user
    return members


def _add_post(thread: Thread, author: User, body: str, anonymous: bool, created_at,
              is_first: bool) -> Post:
    if author.created_at > created_at - MEMBER_BEFORE_FIRST_POST:
        author.created_at = created_at - MEMBER_BEFORE_FIRST_POST
    html = markdown.render(body, (), lambda h: PROFILE_PATH.format(handle=h))
    post = new_post(thread, author, body, html, anonymous=anonymous, is_first=is_first,
                    title=thread.title if is_first else None, created_at=created_at)
    db.session.add(post)
    db.session.flush()
    member = db.session.scalar(
        select(ThreadMember).where(
            ThreadMember.thread_id == thread.id, ThreadMember.user_id == author.id
        )
    )
    if member is None:
        db.session.add(ThreadMember(thread_id=thread.id, user_id=author.id, following=True,
                                    last_read_post_id=post.id))
    else:
        member.last_read_post_id = post.id
    return post


def seed_forum(users: dict[str, User]) -> None:
    """Categories, crisis words, hotlines and demo conversations."""
    seed_defaults()
    people = {**users, **_extra_members()}
    for user in people.values():
        profile_for(user)
    now = utcnow()
    for position, (slug, name_id, name_en, desc_id, desc_en, safe, banner) in enumerate(CATEGORIES):
        category = db.session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            category = Category(
                slug=slug, name_id=name_id, name_en=name_en, description_id=desc_id,
                description_en=desc_en, is_safe_room=safe, shows_calo_banner=banner,
                position=position,
            )
            db.session.add(category)
            db.session.flush()
        if db.session.scalar(select(Thread.id).where(Thread.category_id == category.id).limit(1)):
            continue
        for title, author_key, anonymous, days_ago, body, replies in THREADS.get(slug, []):
            started = now - timedelta(days=days_ago, hours=3)
            thread = Thread(
                category_id=category.id, author_id=people[author_key].id, title=title,
                created_at=started, last_activity_at=started, was_in_safe_room=safe,
            )
            db.session.add(thread)
            db.session.flush()
            thread.category = category
            first = _add_post(thread, people[author_key], body, anonymous and safe, started, True)
            thread.is_anonymous = first.is_anonymous
            thread.anon_no = first.anon_no
            for n, (reply_key, reply_anon, reply_body) in enumerate(replies, start=1):
                _add_post(thread, people[reply_key], reply_body, reply_anon and safe,
                          started + timedelta(hours=5 * n), False)
            refresh_thread(thread)
        refresh_category(category)
    db.session.flush()
