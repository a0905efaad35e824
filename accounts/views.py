"""Registration, login, logout, profile, password and personal data."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from accounts import registration, resets, services, throttle
from accounts.data import COUNTRY_NAMES, LANGUAGE_NAMES, REGENCY_NAMES
from accounts.forms import (
    ChangePasswordForm,
    ContactForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ReauthForm,
    RegistrationForm,
    ResetWithCodeForm,
    ResetWithLinkForm,
)
from accounts.passwords import verify_password
from accounts.phones import display_phone
from accounts.reauth import mark_password_confirmed
from accounts.tokens import user_from_confirm_token, user_from_reset_token
from core.extensions import db, limiter
from core.forms import EmptyForm
from core.i18n import LANG_COOKIE
from core.read_only import read_only
from core.security import safe_next
from core.signals import account_deletion_notes
from core.uploads import personal_data_archive
from notifications.email import email_configured

bp = Blueprint("accounts", __name__)


def _start_session(user, remember: bool) -> None:
    # A fresh session on every login: nothing planted before login survives it.
    session.clear()
    login_user(user, remember=remember)


def _set_lang_cookie(response: Response, locale: str) -> Response:
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegistrationForm()
    if request.method == "GET":
        form.locale.data = request.cookies.get(LANG_COOKIE, "id")
    if form.validate_on_submit():
        # The same answer whether or not the number is on the platform: the next
        # step is a message to that phone (a link for a new number, a warning for
        # the owner of an existing one).
        registration.register_by_phone(
            services.Registration(
                name=form.name.data,
                phone=form.phone.data,
                password=form.password.data,
                email=form.email.data or None,
                regency=form.regency.data,
                country_returned=form.country_returned.data or None,
                return_year=form.return_year.data,
                locale=form.locale.data,
            )
        )
        db.session.commit()
        response = render_template(
            "accounts/register_sent.html",
            phone=display_phone(form.phone.data),
            hours=current_app.config["REGISTRATION_CONFIRM_HOURS"],
        )
        return _set_lang_cookie(make_response(response), form.locale.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    """The link from the registration message: a button (a GET changes nothing, so
    a messenger's link preview cannot confirm), then the member is logged in."""
    user = user_from_confirm_token(token)
    if user is None:
        flash(_("Tautan ini sudah tidak berlaku. Daftar lagi dengan nomor yang sama untuk "
                "mendapat tautan baru, atau masuk bila akun Anda sudah aktif."), "info")
        return redirect(url_for("accounts.login"))
    form = EmptyForm()
    if form.validate_on_submit():
        registration.confirm_registration(user)
        db.session.commit()
        _start_session(user, remember=False)
        flash(_("Selamat datang di Rumah Purna, %(name)s.", name=user.first_name), "success")
        return _set_lang_cookie(redirect(url_for("site.home")), user.locale)
    return render_template("accounts/confirm_registration.html", form=form, user=user)


@bp.route("/login", methods=["GET", "POST"])
# Only a flood guard: the failure limits in ``accounts.throttle`` do the real work,
# and a training room behind one address logs in many people a minute.
@limiter.limit(lambda: f"{current_app.config['LOGIN_POSTS_PER_IP_MINUTE']}/minute", methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        account = services.find_by_login(form.identifier.data)
        counter = throttle.account_key(account, form.identifier.data)
        if not throttle.take_attempt(counter, ip):
            form.password.errors.append(
                _("Terlalu banyak percobaan yang salah. Tunggu 15 menit, lalu coba lagi, "
                  "atau minta kode atur ulang ke petugas.")
            )
            status = 429
        else:
            user = services.check_login(account, form.password.data)
            if user is None:
                throttle.record_failure(counter, ip)
                db.session.rollback()
                # The same words for an unknown account and a wrong password.
                form.password.errors.append(
                    _("Nomor HP/email atau kata sandi tidak cocok. Periksa lagi, lalu coba ulang.")
                )
            else:
                db.session.commit()
                throttle.clear_account(counter)
                _start_session(user, remember=form.remember.data)
                return _set_lang_cookie(redirect(next_url), user.locale)
    return render_template("accounts/login.html", form=form, next=next_url), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ending the session token ends every session and remember-me cookie.
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("site.home"))


@bp.route("/account")
@read_only
@login_required
def account():
    return render_template(
        "accounts/account.html",
        regency_name=REGENCY_NAMES.get(current_user.regency or "", ""),
        country_name=COUNTRY_NAMES.get(current_user.country_returned or "", ""),
        language_name=LANGUAGE_NAMES.get(current_user.locale, ""),
        phone=display_phone(current_user.phone),
    )


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            name=form.name.data,
            regency=form.regency.data,
            country_returned=form.country_returned.data or None,
            return_year=form.return_year.data,
            locale=form.locale.data,
        )
        db.session.commit()
        flash(_("Profil Anda sudah disimpan."), "success")
        return _set_lang_cookie(redirect(url_for("accounts.account")), current_user.locale)
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/contact", methods=["GET", "POST"])
@login_required
def contact():
    form = ContactForm(obj=current_user) if request.method == "GET" else ContactForm()
    if request.method == "GET":
        form.phone.raw_text = display_phone(current_user.phone)
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi tidak cocok."))
        elif services.phone_taken(form.phone.data, exclude=current_user):
            form.phone.errors.append(_("Nomor ini sudah dipakai akun lain."))
        elif form.email.data and services.email_taken(form.email.data, exclude=current_user):
            form.email.errors.append(_("Email ini sudah dipakai akun lain."))
        else:
            services.update_profile(
                current_user, phone=form.phone.data, email=form.email.data or None
            )
            db.session.commit()
            flash(_("Nomor HP dan email Anda sudah disimpan."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/contact.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi sekarang tidak cocok."))
        else:
            services.change_password(current_user, form.new_password.data)
            db.session.commit()
            # Other devices are logged out by the new session token; this one
            # continues with a fresh session.
            _start_session(current_user._get_current_object(), remember=False)
            flash(
                _("Kata sandi sudah diganti. Perangkat lain yang masuk dengan akun ini sudah dikeluarkan."),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    sent = False
    if email_configured() and form.validate_on_submit():
        # Known or not, the same work in the request and the same answer; the link
        # leaves later through the outbox (SMTP down: retried, never a 500 here).
        resets.request_password_reset(form.email.data)
        db.session.commit()
        sent = True
    return render_template(
        "accounts/forgot.html", form=form, sent=sent, email_enabled=email_configured()
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_with_link(token: str):
    user = user_from_reset_token(token)
    if user is None:
        flash(_("Tautan ini sudah tidak berlaku. Minta tautan baru atau kode dari petugas."), "info")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetWithLinkForm()
    if form.validate_on_submit():
        services.change_password(user, form.new_password.data)
        db.session.commit()
        flash(_("Kata sandi baru sudah disimpan. Silakan masuk."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_link.html", form=form)


@bp.route("/reset-code", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def reset_with_code():
    form = ResetWithCodeForm()
    if form.validate_on_submit():
        user = resets.reset_with_code(
            form.identifier.data, form.code.data, form.new_password.data
        )
        if user is None:
            db.session.rollback()
            form.code.errors.append(
                _("Kode ini tidak cocok atau sudah kedaluwarsa. Minta kode baru ke petugas.")
            )
        else:
            db.session.commit()
            flash(_("Kata sandi baru sudah disimpan. Silakan masuk."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_code.html", form=form)


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def my_data():
    form = ReauthForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi tidak cocok."))
        else:
            data = services.export_personal_data(current_user)
            # JSON, or a ZIP of the JSON and the member's files (adminduk documents).
            body, mimetype, filename = personal_data_archive(data)
            return Response(
                body,
                mimetype=mimetype,
                headers={
                    "Content-Disposition": f"attachment; filename={filename}",
                    "Cache-Control": "no-store",
                },
            )
    return render_template("accounts/my_data.html", form=form)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi tidak cocok."))
        else:
            services.delete_account(current_user._get_current_object())
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Akun Anda dan datanya sudah dihapus. Terima kasih sudah memakai Rumah Purna."), "info")
            return redirect(url_for("site.home"))
    notes = [note for _receiver, note in account_deletion_notes.send(current_user._get_current_object()) if note]
    return render_template("accounts/delete.html", form=form, notes=notes)


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
def confirm_password():
    """Ask for the password again before a sensitive page."""
    form = ReauthForm()
    next_url = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            mark_password_confirmed()
            return redirect(next_url)
        form.current_password.errors.append(_("Kata sandi tidak cocok."))
    return render_template("accounts/confirm_password.html", form=form, next=next_url)


@bp.route("/privacy")
def privacy():
    return render_template(
        "accounts/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"]
    )
