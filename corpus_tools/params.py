"""Check notebook parameters, so a bad papermill ``-p`` fails at once with a clear message."""

from __future__ import annotations

from typing import Any, Mapping

from .errors import ParameterError

__all__ = ["check_parameters"]


def check_parameters(values: Mapping[str, Any], spec: Mapping[str, tuple]) -> None:
    """Check parameter values against their expected types and allowed values.

    Parameters
    ----------
    values : mapping
        Parameter name to value, as the notebook's parameters cell set them.
    spec : mapping
        Parameter name to ``(type or tuple of types, check)``, where ``check`` is ``None``
        or a ``(predicate, description)`` pair: the value must satisfy ``predicate``;
        ``description`` says what that means ("at least 0").

    Raises
    ------
    ParameterError
        Naming the parameter, the value it got and what it should be.

    Examples
    --------
    >>> check_parameters({"SAMPLE": 0}, {"SAMPLE": (int, (lambda v: v >= 0, "at least 0"))})
    >>> check_parameters({"SAMPLE": "10"}, {"SAMPLE": (int, None)})
    Traceback (most recent call last):
    ...
    corpus_tools.errors.ParameterError: parameter SAMPLE must be int, got str '10'
    """
    for name, (types, check) in spec.items():
        if name not in values:
            raise ParameterError(f"parameter {name} is missing")
        value = values[name]
        types = types if isinstance(types, tuple) else (types,)
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            expected = " or ".join(t.__name__ for t in types)
            raise ParameterError(f"parameter {name} must be {expected}, got {type(value).__name__} {value!r}")
        if check is not None:
            predicate, description = check
            if not predicate(value):
                raise ParameterError(f"parameter {name} must be {description}, got {value!r}")
