import SokoFunctions

/// The Users service's tables.
enum UsersSchema {
    static let migrations = [
        Migration(
            1, "users, keys and tokens",
            [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL,
                    roles TEXT NOT NULL, phone TEXT, shipping_address TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE signing_keys (
                    kid TEXT PRIMARY KEY, pem TEXT NOT NULL, created_at TEXT NOT NULL, retired_at TEXT)
                """,
                """
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY, family TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT NOT NULL,
                    scope TEXT, expires_at BIGINT NOT NULL, used_at BIGINT, revoked_at BIGINT, created_at TEXT NOT NULL)
                """,
                "CREATE INDEX refresh_tokens_family ON refresh_tokens (family)",
            ]),
        Migration(
            2, "login failures",
            [
                "CREATE TABLE login_failures (subject TEXT NOT NULL, at BIGINT NOT NULL)",
                "CREATE INDEX login_failures_subject ON login_failures (subject, at)",
            ]),
        Migration(
            3, "authorization codes",
            [
                """
                CREATE TABLE auth_codes (
                    code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
                    challenge TEXT NOT NULL, scope TEXT, family TEXT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
                """
            ]),
        Migration(
            4, "attempts recorded before the check",
            [
                "ALTER TABLE login_failures ADD COLUMN attempt TEXT",
                "CREATE INDEX login_failures_attempt ON login_failures (attempt)",
            ]),
        Migration(
            5, "known devices; sign-in attempts timed in milliseconds",
            [
                "DELETE FROM login_failures",
                """
                CREATE TABLE known_devices (
                    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL)
                """,
            ]),
        Migration(
            6, "password resets and email verification",
            [
                "ALTER TABLE users ADD COLUMN email_verified_at TEXT",
                // One row per emailed link (or per throttled ask for an unknown email: user_id null).
                // purpose: password_reset | email_verification. token_hash is the SHA-256 of the
                // latest token minted for it (null until the mail is composed).
                """
                CREATE TABLE account_links (
                    id TEXT PRIMARY KEY, purpose TEXT NOT NULL, email TEXT NOT NULL, user_id TEXT, token_hash TEXT UNIQUE,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
                """,
                "CREATE INDEX account_links_email ON account_links (purpose, email, created_at)",
                "CREATE INDEX account_links_user ON account_links (user_id, purpose)",
            ]),
        Migration(
            7, "SMS opt-out",
            ["ALTER TABLE users ADD COLUMN sms_opt_out INTEGER NOT NULL DEFAULT 0"]),
    ]
}
