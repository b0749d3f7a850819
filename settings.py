"""Configuration from environment variables, with embedded defaults.

Order of precedence: defaults in this module -> environment -> explicit overrides passed to
``create_app(config=...)`` (used by tests). Secrets are never in source: they are generated into
``instance/secrets.json`` on first start, or given through the environment.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment."""

    instance_path: Path = ROOT / "instance"
    database_url: str = ""
    redis_url: str = ""
    cache_dir: str = ""
    tile_url: str = ""
    tile_attribution: str = ""
    districts_geojson: str = ""
    streets_csv: str = ""
    host: str = "127.0.0.1"
    port: int = 8050
    environment: str = "embedded"  # embedded | production | test
    auto_demo: bool = True
    demo_seed: int = 20240601
    server_timing: bool = False
    secret_key: str = field(default="", repr=False)
    # Security policy (GB/T 22239-2019 8.1.4.1): all configurable.
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    password_max_age_days: int = 90
    idle_minutes: int = 30
    single_session: bool = False
    manifest_mode: str = "degraded"  # refuse | degraded | off

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        """True for a production configuration (PostgreSQL, explicit schema commands)."""
        return self.environment == "production"


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'lvrong.sqlite'}"


def read_or_create_json(path: Path, make) -> dict:
    """The JSON object in ``path``, or ``make()`` written there first (owner-only: such files hold keys).

    Safe when several processes start at once (gunicorn workers on a first start): the content is written
    to a private temporary file and linked into place, which fails if another process got there first; then
    that process's file, complete, is what everyone reads. Nobody ever reads a half-written file."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = make()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return json.loads(path.read_text(encoding="utf-8"))
        return data
    finally:
        tmp.unlink(missing_ok=True)


def load_secrets(instance_path: Path) -> dict:
    """Read instance/secrets.json, creating it with fresh random secrets on first start."""
    return read_or_create_json(instance_path / "secrets.json", lambda: {"SECRET_KEY": secrets.token_hex(32)})


def from_env(overrides: dict | None = None) -> Settings:
    """Build the settings: defaults, then environment variables, then ``overrides``."""
    env = os.environ
    instance_path = Path(env.get("LVRONG_INSTANCE", ROOT / "instance"))
    values: dict = {
        "instance_path": instance_path,
        "database_url": env.get("DATABASE_URL", ""),
        "redis_url": env.get("REDIS_URL", ""),
        "cache_dir": env.get("CACHE_DIR", ""),
        "tile_url": env.get("TILE_URL", ""),
        "tile_attribution": env.get("TILE_ATTRIBUTION", ""),
        "districts_geojson": env.get("DISTRICTS_GEOJSON", ""),
        "streets_csv": env.get("STREETS_CSV", ""),
        "host": env.get("HOST", "127.0.0.1"),
        "port": int(env.get("PORT", "8050")),
        "environment": env.get("LVRONG_ENV", "embedded"),
        "auto_demo": _env_bool("LVRONG_AUTO_DEMO", True),
        "server_timing": _env_bool("LVRONG_SERVER_TIMING", False),
        "secret_key": env.get("SECRET_KEY", ""),
        "lockout_threshold": int(env.get("LVRONG_LOCKOUT_THRESHOLD", "5")),
        "lockout_minutes": int(env.get("LVRONG_LOCKOUT_MINUTES", "15")),
        "password_max_age_days": int(env.get("LVRONG_PASSWORD_MAX_AGE_DAYS", "90")),
        "idle_minutes": int(env.get("LVRONG_IDLE_MINUTES", "30")),
        "single_session": _env_bool("LVRONG_SINGLE_SESSION", False),
        "manifest_mode": env.get("LVRONG_MANIFEST_MODE", "degraded"),
    }
    known = {f.name for f in fields(Settings)}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise KeyError(f"unknown setting: {key}")
        values[key] = value
    settings = Settings(**values)
    if not settings.database_url:
        settings = replace(settings, database_url=_default_database_url(settings.instance_path))
    if not settings.secret_key:
        settings = replace(settings, secret_key=load_secrets(settings.instance_path)["SECRET_KEY"])
    return settings
