"""A Schemathesis check: a schema-valid request is refused only as the configuration declares.

schemathesis.toml lets an operation answer a schema-valid request with 422 (or
415) where the refusal is one JSON Schema cannot express: a check character,
an upload that belongs to another account. That allowance is per status, so on
its own it would also let through a VALIDATION_FAILED the document should have
prevented. This check narrows it to the problem codes the operation declares
(`checks.declared_refusals.codes`), and a VALIDATION_FAILED to the fields
named in `checks.declared_refusals.validation-paths` (regular expressions over
each `errors[].path`).
"""

import re

import schemathesis

NAME = "declared_refusals"
# Refusals positive_data_acceptance already accepts for schema-valid data (credentials, missing
# resources, state conflicts, rate limits) and server errors (not_a_server_error's business).
NOT_OURS = {401, 403, 404, 409, 429}


@schemathesis.check
def declared_refusals(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in NOT_OURS:
        return None
    declared = ctx.config.custom_kwargs.get(NAME)
    if not declared:
        # Nothing declared for this operation: positive_data_acceptance reports the refusal.
        return None
    try:
        problem = response.json()
    except Exception as exc:
        raise AssertionError(f"{status} without a problem document: {exc}") from None
    code = problem.get("code") if isinstance(problem, dict) else None
    codes = declared.get("codes", [])
    if code not in codes:
        raise AssertionError(
            f"A schema-valid request was refused {status} {code}; {case.operation.label} declares only {', '.join(codes)}"
        )
    if code == "VALIDATION_FAILED":
        allowed = [re.compile(p) for p in declared.get("validation-paths", [])]
        errors = problem.get("errors") or []
        paths = [e.get("path", "") if isinstance(e, dict) else "" for e in errors]
        undeclared = [p for p in paths if not any(a.fullmatch(p) for a in allowed)]
        if not paths or undeclared:
            raise AssertionError(
                f"A schema-valid request was refused VALIDATION_FAILED at {', '.join(undeclared) or '(no field)'}: "
                f"the document should say what the server enforces there ({problem.get('detail')})"
            )
    return None
