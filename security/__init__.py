"""Security primitives of LvRong: Chinese commercial cryptography (SM2/SM3/SM4) in ``security.sm``."""
