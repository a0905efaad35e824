"""The seeded guides and Dukcapil offices (content: admins and registrars edit
them in the app afterwards; ``seed_defaults`` never overwrites an edit)."""
from __future__ import annotations

FREE_ID = ("Semua layanan Dukcapil **gratis** (UU 24/2013 pasal 79A). Jangan bayar calo; "
           "kalau ada yang meminta uang, tanyakan pendamping Rumah Purna.")
FREE_EN = ("Every Dukcapil service is **free** (Law 24/2013 art. 79A). Do not pay a broker (calo); "
           "if anyone asks for money, ask a Rumah Purna registrar.")
WHERE_ID = "Kantor Dukcapil kabupaten/kota tempat Anda terdaftar (lihat daftar kantor), atau jemput bola di desa/kecamatan Anda."
WHERE_EN = "The Dukcapil office of the regency/city where you are registered (see the office list), or an outreach day in your village or district."


def _guide(slug, title, title_en, summary, summary_en, who, who_en, bring, bring_en, steps, steps_en,
           in_person, in_person_en, mistakes, mistakes_en):
    def body(who, bring, steps, in_person, mistakes, free, where, heads):
        parts = [f"## {heads[0]}", who, f"## {heads[1]}", "\n".join(f"- {b}" for b in bring),
                 f"## {heads[2]}", "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)),
                 f"## {heads[3]}", in_person, f"## {heads[4]}", where, f"## {heads[5]}", free,
                 f"## {heads[6]}", "\n".join(f"- {m}" for m in mistakes)]
        return "\n\n".join(parts)

    return {
        "slug": slug,
        "content": {
            "title": title, "title_en": title_en, "summary": summary, "summary_en": summary_en,
            "body_md": body(who, bring, steps, in_person, mistakes, FREE_ID, WHERE_ID,
                            ("Untuk siapa", "Yang dibawa", "Langkah", "Harus datang sendiri?", "Di mana",
                             "Biaya", "Kesalahan yang sering terjadi")),
            "body_md_en": body(who_en, bring_en, steps_en, in_person_en, mistakes_en, FREE_EN, WHERE_EN,
                               ("Who it is for", "What to bring", "Steps", "Do you need to go in person?",
                                "Where", "Cost", "Common mistakes")),
            "checklist": "\n".join(bring), "checklist_en": "\n".join(bring_en),
        },
    }


KK_ORIG = "KK asli"
KK_ORIG_EN = "Original family card (KK)"
KTP_ORIG = "KTP-el asli (kalau masih ada)"
KTP_ORIG_EN = "Original KTP-el (if you still have it)"

SERVICE_GUIDES = [
    _guide("ktp-new", "KTP-el baru", "New KTP-el (electronic ID card)",
           "Untuk yang belum pernah punya KTP-el, umur 17 tahun ke atas atau sudah menikah.",
           "For anyone 17 or older (or married) who never had a KTP-el.",
           "Warga yang sudah 17 tahun atau sudah menikah dan belum pernah merekam KTP-el.",
           "Residents aged 17 or older, or married, who never recorded a KTP-el.",
           [KK_ORIG, "Fotokopi KK", "Akta kelahiran atau ijazah (kalau ada)"],
           [KK_ORIG_EN, "Copy of the family card", "Birth certificate or school certificate (if any)"],
           ["Datang ke Dukcapil atau jemput bola dengan KK.", "Rekam foto, sidik jari dan iris mata.",
            "Tunggu KTP-el dicetak; simpan bukti perekaman."],
           ["Go to Dukcapil or an outreach day with your KK.", "Record photo, fingerprints and iris.",
            "Wait for the card to be printed; keep the recording receipt."],
           "Ya. Perekaman biometrik (foto, sidik jari, iris) harus oleh Anda sendiri.",
           "Yes. Biometrics (photo, fingerprints, iris) must be recorded in person.",
           ["Datang tanpa KK asli.", "Membayar orang untuk \"mempercepat\" cetak."],
           ["Coming without the original KK.", "Paying someone to \"speed up\" printing."]),
    _guide("ktp-address", "KTP-el: ganti alamat", "KTP-el: change of address",
           "Alamat di KTP-el masih alamat lama.", "Your KTP-el still shows an old address.",
           "Warga yang sudah pindah dan KK-nya sudah diperbarui di alamat baru.",
           "Residents who moved and whose KK was already updated to the new address.",
           [KTP_ORIG, "KK baru dengan alamat baru", "Surat keterangan pindah (SKPWNI) kalau pindah kabupaten"],
           [KTP_ORIG_EN, "New KK with the new address", "Moving certificate (SKPWNI) if you changed regency"],
           ["Urus dulu surat pindah dan KK di alamat baru.", "Bawa KTP-el lama ke Dukcapil tujuan.",
            "KTP-el baru dicetak dengan alamat baru."],
           ["First arrange the moving certificate and the KK at the new address.",
            "Bring the old KTP-el to Dukcapil of your new place.", "A new KTP-el is printed with the new address."],
           "Biasanya tidak perlu rekam ulang; cukup datang mengambil KTP-el baru.",
           "Usually no new biometrics; you only collect the new card.",
           ["Minta KTP-el baru sebelum KK diperbarui.", "Membuang KTP-el lama sebelum yang baru jadi."],
           ["Asking for a new KTP-el before the KK is updated.", "Throwing away the old card before the new one is ready."]),
    _guide("ktp-lost", "KTP-el hilang atau rusak", "Lost or damaged KTP-el",
           "Cetak ulang KTP-el yang hilang atau rusak.", "Reprinting a lost or damaged KTP-el.",
           "Warga yang KTP-el-nya hilang, rusak, atau tidak terbaca.",
           "Residents whose KTP-el is lost, damaged or unreadable.",
           [KK_ORIG, "Surat keterangan hilang dari polisi (kalau hilang)", "KTP-el yang rusak (kalau rusak)"],
           [KK_ORIG_EN, "Police loss report (if lost)", "The damaged KTP-el (if damaged)"],
           ["Kalau hilang: minta surat kehilangan di Polsek.", "Bawa KK dan surat itu ke Dukcapil.",
            "KTP-el dicetak ulang dengan data yang sama."],
           ["If lost: get a loss report at the police station.", "Bring the KK and the report to Dukcapil.",
            "The card is reprinted with the same data."],
           "Ya, untuk verifikasi wajah atau sidik jari.", "Yes, to verify your face or fingerprints.",
           ["Lupa surat kehilangan dari polisi.", "Mengurus lewat orang lain tanpa surat kuasa."],
           ["Forgetting the police loss report.", "Sending someone else without a power of attorney."]),
    _guide("kk-spouse", "KK: tambah suami/istri", "Family card: add a spouse",
           "Menambahkan suami atau istri ke kartu keluarga.", "Adding a husband or wife to the family card.",
           "Pasangan yang sudah menikah dan ingin satu KK.", "Married couples who want one family card.",
           [KK_ORIG, "Buku nikah atau akta perkawinan", "KTP-el suami dan istri"],
           ["Original family card (KK)", "Marriage book or marriage certificate", "KTP-el of husband and wife"],
           ["Siapkan buku nikah/akta perkawinan.", "Isi formulir perubahan KK di Dukcapil.", "Terima KK baru."],
           ["Prepare the marriage book/certificate.", "Fill in the KK change form at Dukcapil.", "Receive the new KK."],
           "Salah satu anggota keluarga boleh datang membawa semua dokumen asli.",
           "One family member may go with all the originals.",
           ["Nama di buku nikah berbeda dengan KTP-el.", "Pernikahan di luar negeri belum dilaporkan."],
           ["The name in the marriage book differs from the KTP-el.", "A marriage abroad was never reported."]),
    _guide("kk-child", "KK: tambah anak", "Family card: add a child",
           "Menambahkan anak ke kartu keluarga.", "Adding a child to the family card.",
           "Orang tua dengan anak yang belum tercatat di KK.", "Parents of a child not yet on the family card.",
           [KK_ORIG, "Akta kelahiran anak", "Buku nikah orang tua"],
           ["Original family card (KK)", "The child's birth certificate", "Parents' marriage book"],
           ["Urus akta kelahiran dulu kalau belum ada.", "Ajukan perubahan KK di Dukcapil.", "Terima KK baru."],
           ["Get the birth certificate first if there is none.", "Ask Dukcapil for the KK change.", "Receive the new KK."],
           "Salah satu orang tua datang dengan dokumen asli.", "One parent goes with the originals.",
           ["Akta kelahiran dari luar negeri belum diterjemahkan.", "Nama anak ditulis berbeda di dokumen."],
           ["A foreign birth certificate not yet translated.", "The child's name spelled differently across papers."]),
    _guide("kk-split", "KK: pisah KK", "Family card: split a family",
           "Membuat KK sendiri, terpisah dari KK orang tua.", "Making your own KK, separate from your parents'.",
           "Anggota keluarga yang sudah menikah atau tinggal sendiri.", "Family members who married or live on their own.",
           [KK_ORIG, "Buku nikah (kalau menikah)", "Surat pengantar RT/RW"],
           ["Original family card (KK)", "Marriage book (if married)", "Letter from the RT/RW"],
           ["Minta surat pengantar RT/RW.", "Ajukan pisah KK di Dukcapil.", "Terima dua KK baru."],
           ["Ask for a letter from the RT/RW.", "Apply for the split at Dukcapil.", "Receive two new KKs."],
           "Kepala keluarga lama atau baru datang dengan dokumen asli.", "The old or new head of family goes with the originals.",
           ["Lupa surat pengantar RT/RW."], ["Forgetting the RT/RW letter."]),
    _guide("kk-update", "KK: perbarui data", "Family card: update the data",
           "Data di KK sudah tidak sesuai (pekerjaan, pendidikan, status).", "The data on the KK is out of date.",
           "Siapa saja yang datanya di KK berubah.", "Anyone whose data on the family card changed.",
           [KK_ORIG, "Dokumen bukti perubahan (ijazah, buku nikah, akta cerai)"],
           ["Original family card (KK)", "Proof of the change (certificate, marriage book, divorce deed)"],
           ["Kumpulkan bukti perubahan.", "Ajukan perubahan di Dukcapil.", "Terima KK baru."],
           ["Collect the proof.", "Apply at Dukcapil.", "Receive the new KK."],
           "Salah satu anggota keluarga boleh datang.", "One family member may go.",
           ["Mengubah data tanpa bukti."], ["Changing data without proof."]),
    _guide("child-abroad", "Anak lahir di luar negeri", "A child born abroad",
           "Anak yang lahir di luar negeri harus dilaporkan ke Dukcapil dalam 30 hari setelah pulang.",
           "A child born abroad must be reported to Dukcapil within 30 days of coming home.",
           "Orang tua yang anaknya lahir di luar negeri (Malaysia, Hong Kong, Taiwan, dan lain-lain).",
           "Parents whose child was born abroad (Malaysia, Hong Kong, Taiwan and elsewhere).",
           ["Akta kelahiran dari negara tempat lahir", "Surat pelaporan kelahiran dari KBRI/KJRI",
            "Terjemahan tersumpah akta kelahiran asing", "Paspor anak dan orang tua", KK_ORIG, "Buku nikah orang tua"],
           ["Birth certificate of the country of birth", "Birth report letter from the Indonesian embassy/consulate (KBRI/KJRI)",
            "Sworn translation of the foreign certificate", "Passports of the child and parents", KK_ORIG_EN, "Parents' marriage book"],
           ["Catatkan kelahiran di KBRI/KJRI selagi masih di luar negeri.",
            "Setelah pulang, terjemahkan akta asing oleh penerjemah tersumpah.",
            "Laporkan ke Dukcapil dalam 30 hari setelah tiba.", "Anak dimasukkan ke KK."],
           ["Register the birth at the KBRI/KJRI while still abroad.",
            "Back home, have the foreign certificate translated by a sworn translator.",
            "Report to Dukcapil within 30 days of arrival.", "The child is added to the KK."],
           "Salah satu orang tua datang dengan semua dokumen asli.", "One parent goes with all the originals.",
           ["Melapor lewat dari 30 hari.", "Terjemahan bukan oleh penerjemah tersumpah."],
           ["Reporting after the 30 days.", "A translation not made by a sworn translator."]),
    _guide("marriage-abroad", "Menikah di luar negeri", "A marriage registered abroad",
           "Pernikahan di luar negeri dilaporkan ke Dukcapil dalam 30 hari setelah pulang.",
           "A marriage abroad is reported to Dukcapil within 30 days of return.",
           "Pasangan yang menikah di luar negeri.", "Couples who married abroad.",
           ["Akta/surat nikah dari luar negeri", "Surat pelaporan perkawinan dari KBRI/KJRI",
            "Terjemahan tersumpah surat nikah", "Paspor suami dan istri", KK_ORIG],
           ["Foreign marriage certificate", "Marriage report letter from the KBRI/KJRI",
            "Sworn translation of the certificate", "Passports of husband and wife", KK_ORIG_EN],
           ["Laporkan perkawinan ke KBRI/KJRI selagi di luar negeri.", "Terjemahkan surat nikah.",
            "Laporkan ke Dukcapil dalam 30 hari setelah pulang.", "Perbarui KK."],
           ["Report the marriage to the KBRI/KJRI while abroad.", "Translate the certificate.",
            "Report to Dukcapil within 30 days of return.", "Update the KK."],
           "Ya, suami atau istri datang dengan dokumen asli.", "Yes, the husband or wife goes with the originals.",
           ["Tidak melapor ke KBRI/KJRI.", "Lewat batas 30 hari."],
           ["Not reporting to the KBRI/KJRI.", "Missing the 30-day limit."]),
    _guide("moving", "Pindah domisili (surat pindah / SKPWNI)", "Moving registration (SKPWNI)",
           "Mendaftarkan pindah alamat: surat pindah dari tempat asal, lalu datang di tempat tujuan.",
           "Registering a move: a moving certificate from the old place, then arrival at the new one.",
           "Warga yang pindah desa, kecamatan, kabupaten atau provinsi.", "Residents who move village, district, regency or province.",
           [KK_ORIG, KTP_ORIG, "Surat pengantar RT/RW"], [KK_ORIG_EN, KTP_ORIG_EN, "Letter from the RT/RW"],
           ["Minta SKPWNI (surat pindah) di Dukcapil asal.", "Bawa SKPWNI ke Dukcapil tujuan (pindah-datang).",
            "Terima KK baru, lalu KTP-el dengan alamat baru."],
           ["Get the SKPWNI at the Dukcapil of your old place.", "Bring it to the Dukcapil of the new place.",
            "Receive the new KK, then a KTP-el with the new address."],
           "Bisa diurus daring di banyak kabupaten; pendamping membantu.", "Often possible online; a registrar helps.",
           ["Pindah tanpa surat pindah, lalu data ganda.", "Tidak mengurus KTP-el baru."],
           ["Moving without the certificate, leaving duplicate records.", "Not getting a new KTP-el."]),
    _guide("passport-lost", "Paspor hilang", "A lost passport",
           "Paspor hilang diurus di Kantor Imigrasi, bukan di Dukcapil.",
           "A lost passport is handled by the Immigration Office, not Dukcapil.",
           "Siapa saja yang paspornya hilang atau rusak.", "Anyone whose passport is lost or damaged.",
           [KTP_ORIG, KK_ORIG, "Surat kehilangan dari polisi", "Akta kelahiran atau ijazah"],
           [KTP_ORIG_EN, KK_ORIG_EN, "Police loss report", "Birth or school certificate"],
           ["Minta surat kehilangan di polisi.", "Daftar antrean di Kantor Imigrasi.", "Wawancara dan foto."],
           ["Get a police loss report.", "Book a slot at the Immigration Office.", "Interview and photo."],
           "Ya, di Kantor Imigrasi.", "Yes, at the Immigration Office.",
           ["Menitipkan paspor pada calo atau agen."], ["Leaving your passport with a broker or agent."]),
    _guide("ikd", "Aktivasi IKD (KTP digital)", "Activating the IKD (digital ID)",
           "Identitas Kependudukan Digital di HP Anda.", "The digital population identity on your phone.",
           "Pemilik KTP-el dengan HP Android/iPhone dan nomor HP aktif.", "KTP-el holders with a smartphone and an active number.",
           [KTP_ORIG, "HP dengan aplikasi IKD", "Nomor HP dan email aktif"],
           [KTP_ORIG_EN, "Phone with the IKD app", "Active phone number and email"],
           ["Pasang aplikasi IKD resmi.", "Isi NIK, email dan nomor HP.", "Verifikasi wajah di Dukcapil atau jemput bola."],
           ["Install the official IKD app.", "Enter your NIK, email and number.", "Verify your face at Dukcapil or an outreach day."],
           "Ya, aktivasi dilakukan oleh petugas Dukcapil.", "Yes, a Dukcapil officer activates it.",
           ["Memasang aplikasi palsu dari tautan WhatsApp."], ["Installing a fake app from a WhatsApp link."]),
]


def _topic(slug, title, title_en, summary, summary_en, body, body_en):
    return {"slug": slug, "content": {"title": title, "title_en": title_en, "summary": summary,
                                      "summary_en": summary_en, "body_md": body, "body_md_en": body_en,
                                      "checklist": "", "checklist_en": ""}}


MIGRATION_GUIDES = [
    _topic("migrasi-aman-p3mi", "Perusahaan resmi atau calo?", "Licensed company or broker?",
           "Cara mengenali perusahaan penempatan (P3MI) yang berizin.", "How to tell a licensed placement company (P3MI).",
           "## Tanda perusahaan resmi\n\n- Terdaftar di BP2MI dan Disnakertrans.\n- Tidak meminta uang di depan di luar biaya resmi.\n"
           "- Ada perjanjian kerja tertulis yang Anda baca sebelum berangkat.\n\n## Tanda calo\n\n"
           "- Menjanjikan gaji tinggi tanpa pelatihan.\n- Meminta paspor atau KTP Anda disimpan olehnya.\n- Memberangkatkan lewat jalur tikus.",
           "## Signs of a licensed company\n\n- Registered with BP2MI and the labour office.\n- No money up front beyond official fees.\n"
           "- A written work contract you read before leaving.\n\n## Signs of a broker\n\n"
           "- Promises high pay with no training.\n- Wants to keep your passport or ID.\n- Sends people through unofficial routes."),
    _topic("migrasi-aman-prosedural", "Berangkat secara prosedural", "What a procedural departure looks like",
           "Langkah keberangkatan yang resmi dan aman.", "The steps of an official, safe departure.",
           "## Langkah\n\n1. Daftar di Disnakertrans kabupaten.\n2. Pelatihan dan sertifikat kompetensi.\n3. Pemeriksaan kesehatan.\n"
           "4. Perjanjian kerja ditandatangani.\n5. Orientasi pra pemberangkatan (OPP).\n6. Berangkat dengan visa kerja dan asuransi BPJS.",
           "## Steps\n\n1. Register at the regency labour office.\n2. Training and a competence certificate.\n3. Medical check.\n"
           "4. Work contract signed.\n5. Pre-departure orientation.\n6. Leave with a work visa and BPJS insurance."),
    _topic("migrasi-aman-dokumen", "Dokumen yang wajib Anda simpan", "Documents a worker must keep",
           "Simpan sendiri dokumen penting, jangan dititipkan.", "Keep important papers yourself; never hand them over.",
           "## Simpan sendiri\n\n- Paspor dan visa kerja.\n- Perjanjian kerja.\n- Kartu BPJS Ketenagakerjaan.\n"
           "- Fotokopi KTP-el dan KK (yang asli ditinggal di rumah).\n- Nomor KBRI/KJRI negara tujuan.",
           "## Keep them yourself\n\n- Passport and work visa.\n- Work contract.\n- BPJS employment card.\n"
           "- Copies of KTP-el and KK (originals stay at home).\n- The number of the embassy/consulate."),
]

# Regency slug -> (capital town, label).
OFFICES = {
    "kota-kupang": ("Kupang", "Kota Kupang"), "kupang": ("Oelamasi", "Kabupaten Kupang"),
    "tts": ("Soe", "Timor Tengah Selatan"), "ttu": ("Kefamenanu", "Timor Tengah Utara"),
    "belu": ("Atambua", "Belu"), "malaka": ("Betun", "Malaka"), "alor": ("Kalabahi", "Alor"),
    "lembata": ("Lewoleba", "Lembata"), "flores-timur": ("Larantuka", "Flores Timur"),
    "sikka": ("Maumere", "Sikka"), "ende": ("Ende", "Ende"), "nagekeo": ("Mbay", "Nagekeo"),
    "ngada": ("Bajawa", "Ngada"), "manggarai": ("Ruteng", "Manggarai"),
    "manggarai-timur": ("Borong", "Manggarai Timur"), "manggarai-barat": ("Labuan Bajo", "Manggarai Barat"),
    "sumba-timur": ("Waingapu", "Sumba Timur"), "sumba-tengah": ("Waibakul", "Sumba Tengah"),
    "sumba-barat": ("Waikabubak", "Sumba Barat"), "sumba-barat-daya": ("Tambolaka", "Sumba Barat Daya"),
    "rote-ndao": ("Ba'a", "Rote Ndao"), "sabu-raijua": ("Seba", "Sabu Raijua"),
}
OFFICE_HOURS = "Senin–Kamis 08.00–15.30, Jumat 08.00–14.00 WITA"
