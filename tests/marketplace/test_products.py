"""Products: price and input validation, photos through the shared pipeline
(WebP variants under their caps, attack files refused, EXIF gone), sold out in one
tap, reorder, removal with files, and access rules."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.extensions import db
from core.uploads import StoredFile
from marketplace.labels import rupiah
from marketplace.models import MarketPhoto, Product
from tests.uploads.conftest import exif_with_gps, jpeg_bytes, noisy_png, png_bomb
from tests.uploads.test_pipeline import ATTACKS

PRODUCT = {"name": "Se'i sapi", "description": "Se'i sapi asap, 250 gram.", "price": "85000",
           "unit": "pack", "tags": "Se'i, oleh-oleh, se'i"}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def own_business(login_as, make_business):
    owner = login_as("member")
    return make_business(owner=owner, status="pending")


def test_rupiah_is_shown_with_dots():
    assert rupiah(25000) == "Rp 25.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(1250000) == "Rp 1.250.000"


@pytest.mark.parametrize("typed,stored", [("85000", 85000), ("85.000", 85000), ("Rp 85.000", 85000),
                                          ("rp85000", 85000), ("0", 0)])
def test_price_typed_any_common_way_is_whole_rupiah(client, own_business, typed, stored):
    response = client.post(f"/pasar/usaha-saya/{own_business.id}/produk/baru", data={**PRODUCT, "price": typed})
    assert response.status_code == 302
    product = db.session.scalar(select(Product))
    assert product.price == stored
    assert product.tags == "se'i,oleh-oleh"


@pytest.mark.parametrize("price,message", [("-5000", "angka saja"), ("100000001", "Jumlah harus antara"),
                                           ("12,5", "angka saja"), ("", "Tulis harga"),
                                           ("9" * 30, "Jumlah harus antara"), ("abc", "angka saja")])
def test_bad_prices_are_refused_and_nothing_saved(client, own_business, price, message):
    response = client.post(f"/pasar/usaha-saya/{own_business.id}/produk/baru", data={**PRODUCT, "price": price})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body or "Tulis bilangan bulat" in body
    assert count(Product) == 0


def test_product_with_photo_gets_webp_variants_under_their_caps_without_exif(client, own_business, upload_root):
    photo = jpeg_bytes((2400, 1800), exif=exif_with_gps())
    data = {**PRODUCT, "photo": (io.BytesIO(noisy_png((1600, 1200))), "sei.png")}
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/baru", data=data, content_type="multipart/form-data")
    product = db.session.scalar(select(Product))
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{product.id}/ubah",
                data={**PRODUCT, "photo": (io.BytesIO(photo), "IMG_0001.jpg")}, content_type="multipart/form-data")
    photos = list(db.session.scalars(select(MarketPhoto).order_by(MarketPhoto.id)))
    assert len(photos) == 2
    for p in photos:
        thumb = db.session.scalar(select(StoredFile).where(StoredFile.key == p.thumb_key))
        large = db.session.scalar(select(StoredFile).where(StoredFile.key == p.large_key))
        assert thumb.mime == large.mime == "image/webp"
        assert thumb.size <= 40_000 and large.size <= 150_000
        assert (p.thumb_width, p.thumb_height) == (thumb.width, thumb.height)
        response = client.get(f"/pasar/foto/{p.id}-thumb.webp")
        assert response.status_code == 200 and response.mimetype == "image/webp"
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "WEBP" and not image.getexif()
        assert b"PhoneMaker" not in response.data
        # Pending business: the photo is private to its members.
        assert response.headers["Cache-Control"] == "no-store"
    # The member's own page shows thumbnails lazy, with their sizes.
    page = client.get(f"/pasar/usaha-saya/{own_business.id}").get_data(as_text=True)
    assert f'width="{photos[0].thumb_width}" height="{photos[0].thumb_height}" loading="lazy"' in page


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_files_are_refused_keeping_what_was_typed(client, own_business, upload_root, name):
    payload, filename = ATTACKS[name]
    data = {**PRODUCT, "photo": (io.BytesIO(payload), filename)}
    response = client.post(f"/pasar/usaha-saya/{own_business.id}/produk/baru", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ("Berkasnya kosong" if name == "empty" else "Hanya foto JPEG, PNG atau WebP") in body
    assert 'value="Se&#39;i sapi"' in body  # what was typed is kept
    assert count(Product) == count(MarketPhoto) == count(StoredFile) == 0
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


def test_decompression_bomb_is_refused(client, own_business, upload_root):
    data = {**PRODUCT, "photo": (io.BytesIO(png_bomb()), "bomb.png")}
    response = client.post(f"/pasar/usaha-saya/{own_business.id}/produk/baru", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert count(Product) == count(StoredFile) == 0


def test_sold_out_in_one_tap_and_reorder(client, own_business, make_product):
    first, second, third = (make_product(own_business, name=n) for n in ("Se'i babi", "Se'i sapi", "Sambal lu'at"))
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{second.id}/habis")
    db.session.refresh(second)
    assert second.sold_out
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{second.id}/habis")
    db.session.refresh(second)
    assert not second.sold_out
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{third.id}/naik")
    names = list(db.session.scalars(select(Product.name).order_by(Product.position)))
    assert names == ["Se'i babi", "Sambal lu'at", "Se'i sapi"]
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{first.id}/turun")
    names = list(db.session.scalars(select(Product.name).order_by(Product.position)))
    assert names == ["Sambal lu'at", "Se'i babi", "Se'i sapi"]


def test_removing_a_product_removes_its_photo_files(client, own_business, make_product, upload_root):
    product = make_product(own_business)
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{product.id}/ubah",
                data={**PRODUCT, "photo": (io.BytesIO(jpeg_bytes((800, 600))), "a.jpg")},
                content_type="multipart/form-data")
    assert count(StoredFile) == 3 and [p for p in upload_root.rglob("*") if p.is_file()]
    client.post(f"/pasar/usaha-saya/{own_business.id}/produk/{product.id}/hapus")
    assert count(Product) == count(MarketPhoto) == count(StoredFile) == 0
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


def test_qris_image_replaces_the_previous_one(client, own_business, upload_root):
    for _ in range(2):
        client.post(f"/pasar/usaha-saya/{own_business.id}/foto", content_type="multipart/form-data",
                    data={"kind": "qris", "photo": (io.BytesIO(jpeg_bytes((600, 600))), "qris.jpg")})
    assert db.session.scalar(select(func.count(MarketPhoto.id)).where(MarketPhoto.kind == "qris")) == 1
    assert count(StoredFile) == 3


def test_someone_elses_products_and_photos_answer_404(client, auth, make_user, make_business, make_product,
                                                     upload_root):
    theirs = make_business(status="pending")
    product = make_product(theirs)
    from marketplace import photos

    photo = photos.add_photo(theirs.members[0].user, theirs, jpeg_bytes((300, 300)), product=product)
    db.session.commit()
    auth.login(make_user())
    base = f"/pasar/usaha-saya/{theirs.id}"
    assert client.get(f"{base}/produk/baru").status_code == 404
    assert client.get(f"{base}/produk/{product.id}/ubah").status_code == 404
    for action in ("habis", "naik", "turun", "hapus"):
        assert client.post(f"{base}/produk/{product.id}/{action}").status_code == 404
    assert client.post(f"{base}/foto/{photo.id}/hapus").status_code == 404
    # A pending business's photo is not public.
    assert client.get(f"/pasar/foto/{photo.id}-thumb.webp").status_code == 404
    # Their product id under my own business is 404 too.
    mine = make_business(owner=make_user(), status="pending")
    assert client.get(f"/pasar/usaha-saya/{mine.id}/produk/{product.id}/ubah").status_code == 404
    assert count(Product) == 1 and count(MarketPhoto) == 1


def test_public_business_photo_is_cacheable(client, make_business, make_product, upload_root):
    business = make_business()
    product = make_product(business)
    from marketplace import photos

    photo = photos.add_photo(business.members[0].user, business, jpeg_bytes((300, 300)), product=product)
    db.session.commit()
    response = client.get(f"/pasar/foto/{photo.id}-large.webp")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_vendor_and_staff_pages_same_queries_for_1_and_50_products(client, auth, make_user, make_business,
                                                                  make_product, count_queries, upload_root):
    from marketplace import photos as photo_service

    owner, staff = make_user(), make_user(roles=("member", "umkm_staff"))
    business = make_business(owner=owner, status="pending")
    product = make_product(business)
    photo_service.add_photo(owner, business, jpeg_bytes((200, 200)), product=product)
    db.session.commit()

    def counts() -> dict:
        result = {}
        for who, url in ((owner, f"/pasar/usaha-saya/{business.id}"), (owner, "/pasar/usaha-saya"),
                         (staff, f"/pasar/staf/usaha/{business.id}"), (staff, "/pasar/staf"),
                         (staff, "/pasar/staf/dasbor")):
            auth.login(who)
            with count_queries() as log:
                assert client.get(url).status_code == 200
            auth.logout()
            result[url] = log.count
        return result

    one = counts()
    for i in range(49):
        extra = make_product(business, name=f"Kue {i}")
        photo_service.add_photo(owner, business, jpeg_bytes((200, 200)), product=extra)
        make_business(status="pending")
    db.session.commit()
    fifty = counts()
    assert one == fifty
    assert all(n <= 10 for n in fifty.values()), fifty
