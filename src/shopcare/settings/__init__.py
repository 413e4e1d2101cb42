"""Reading config.toml and the policy files, and the one cache of what is derived from them."""
