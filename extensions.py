"""Flask extensions, created without an app and bound late in ``create_app``."""
from flask_caching import Cache

cache = Cache()


def cache_config(settings) -> dict:
    """Redis when ``REDIS_URL`` is set (shared by all nodes), else a directory, else in-process memory."""
    if settings.redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url,
                "CACHE_KEY_PREFIX": "lvrong:", "CACHE_DEFAULT_TIMEOUT": 3600}
    if settings.cache_dir:
        return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": settings.cache_dir,
                "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 5000}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}
