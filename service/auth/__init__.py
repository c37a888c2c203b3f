"""Who is calling: bearer JWTs checked against a JWKS, mapped to a Principal with scopes."""
