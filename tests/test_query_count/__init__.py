"""Not a test module: bench/run.py imports counting_statements from here. Remove this file once bench/run.py imports
it from tests.helpers.statements (conftest.py keeps pytest from collecting it)."""

from tests.helpers.statements import counting_statements

__all__ = ["counting_statements"]
