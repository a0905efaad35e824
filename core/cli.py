"""CLI commands: ``flask seed-demo``, ``flask scheduler run``, ``flask users create-admin``."""
from __future__ import annotations

import contextlib

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.extensions import db

DEMO_PASSWORD = "purna-demo"  # noqa: S105 (public demo password, demo mode only)


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(users_cli)


@click.command("seed-demo")
def seed_demo_command():
    """Create the demo logins and demo data (idempotent; demo mode only)."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("Refusing to seed demo accounts outside demo mode.")
    from accounts.demo import seed_demo_accounts
    from core.signals import seed_demo

    users = seed_demo_accounts(DEMO_PASSWORD)
    seed_demo.send(users)
    db.session.commit()
    click.echo(f"Demo data ready: {len(users)} demo logins, password '{DEMO_PASSWORD}'.")


scheduler_cli = AppGroup("scheduler", help="The scheduler process.")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the scheduler in the foreground (its own process)."""
    from core.scheduler import build_scheduler, jobs

    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    click.echo(f"Scheduler started with {len(jobs())} jobs.")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


@scheduler_cli.command("list")
def scheduler_list():
    """List every periodic job."""
    from core.scheduler import jobs

    for job in jobs():
        click.echo(f"{job.id}: {job.trigger} {job.options}")


users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.option("--name", prompt=True)
@click.option("--phone", prompt=True)
@click.option("--email", default="", help="Optional email.")
@click.password_option()
def create_admin(name: str, phone: str, email: str, password: str):
    """Create the first admin (or give an existing account the admin role)."""
    from accounts.passwords import MIN_LENGTH, is_common
    from accounts.phones import normalise_phone
    from accounts.services import create_user_with_roles, find_by_login, grant_role

    e164 = normalise_phone(phone)
    if e164 is None:
        raise click.ClickException("That phone number is not valid.")
    existing = find_by_login(e164)
    if existing is not None:
        grant_role(None, existing, "admin")  # audited, role_granted sent
        db.session.commit()
        click.echo(f"{e164} is now an admin.")
        return
    if len(password) < MIN_LENGTH or is_common(password):
        raise click.ClickException("Choose a longer, less common password.")
    create_user_with_roles(name, e164, password, ["member", "admin"], email=email or None)
    db.session.commit()
    click.echo(f"Admin {e164} created.")
