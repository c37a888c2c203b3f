"""Who is calling: bearer JWTs checked against a JWKS, mapped to a Principal with scopes."""

import warnings

# authlib announces a move of its JOSE module to joserfc; the API we use is stable until 2.0.
# Importing its deprecation module installs an "always" filter, so ours must come after it.
import authlib.deprecate  # noqa: E402, F401, I001

warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
