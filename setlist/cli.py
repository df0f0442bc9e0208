"""The `setlist` command: `run`, `migrate`, and the admin commands that make the first admin."""

from __future__ import annotations

import argparse
import logging
import sys

from services.accounts import tokens, users
from services.common import config
from services.common.database import make_engine, make_sessionmaker
from services.common.errors import SetlistError
from services.common.migrations import upgrade
from setlist.processes import ROOT


def _accounts_session():  # type: ignore[no-untyped-def]
    upgrade("accounts", ROOT / "services" / "accounts" / "migrations")
    return make_sessionmaker(make_engine(config.database_url("accounts")))()


def create_user(args: argparse.Namespace) -> int:
    with _accounts_session() as session:
        user = users.create_user(session, args.name, args.password, is_admin=args.admin)
        session.commit()
        print(
            f"created user {user.username} (id {user.id}{', admin' if user.is_admin else ''})",
            file=sys.stderr,
        )
    return 0


def create_token(args: argparse.Namespace) -> int:
    with _accounts_session() as session:
        user = users.by_name(session, args.name)
        if user is None:
            print(f"setlist: no user named {args.name!r}", file=sys.stderr)
            return 1
        token, _ = tokens.issue_user_token(session, user, name="cli")
        session.commit()
    print(token)
    return 0


def announce_revoked(token_hashes: list[str]) -> None:
    """Tell every gateway (and realtime) to forget these tokens now, as accounts does."""
    from nameko.standalone.events import event_dispatcher

    from services.accounts.announcements import SOURCE

    dispatch = event_dispatcher({"AMQP_URI": config.amqp_uri()})
    dispatch(SOURCE, "token_revoked", {"token_hashes": token_hashes})


def revoke_tokens(args: argparse.Namespace) -> int:
    with _accounts_session() as session:
        revoked = users.revoke_user_tokens(session, args.name)
        session.commit()
    if revoked:
        try:
            announce_revoked(revoked)
        except Exception as exc:  # noqa: BLE001 - the revocation itself is stored
            print(
                f"setlist: revoked, but could not tell the gateways ({exc}); their caches "
                f"forget the tokens within PRINCIPAL_CACHE_SECONDS",
                file=sys.stderr,
            )
    print(f"revoked {len(revoked)} token(s) of {args.name}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="setlist", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate, then run every service and the gateway")
    commands.add_parser("migrate", help="apply every service's database migrations")
    admin = commands.add_parser("admin", help="administration").add_subparsers(
        dest="admin_command", required=True
    )
    make_user = admin.add_parser("create-user", help="create a user")
    make_user.add_argument("name")
    make_user.add_argument("--password", required=True)
    make_user.add_argument("--admin", action="store_true", help="make the user an administrator")
    make_user.set_defaults(handler=create_user)
    make_token = admin.add_parser("create-token", help="print a new API token for a user")
    make_token.add_argument("name")
    make_token.set_defaults(handler=create_token)
    revoke = admin.add_parser("revoke-tokens", help="revoke every token of a user")
    revoke.add_argument("name")
    revoke.set_defaults(handler=revoke_tokens)
    return root


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    args = parser().parse_args(argv)
    if args.command == "run":
        from setlist.runner import run

        return run()
    if args.command == "migrate":
        from setlist.migrate import migrate_all

        migrate_all()
        return 0
    try:
        return args.handler(args)
    except SetlistError as exc:
        print(f"setlist: {exc.fields or exc.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
