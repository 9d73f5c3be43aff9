"""Typed options with the project's messages, on MkDocs' config machinery.

MkDocs' ``Config`` validates options one by one and stops at the first failure; an author
fixing a data source would meet its mistakes one build at a time. :class:`Schema` is a ``Config``
that reports every problem of a mapping at once, as sentences that name the key, with a "did you
mean" for an unknown key. The same classes validate a plain mapping (the Markdown extension, the
tests) and the plugin's options (through :class:`Nested`, :class:`DictOf`, :class:`ListOf`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_journey.suggest import suggestion

T = TypeVar("T")
S = TypeVar("S", bound="Schema")


class Problems(base.ValidationError):
    """Every problem found in one value, each a sentence."""

    def __init__(self, sentences: Sequence[str]) -> None:
        super().__init__("\n".join(sentences))
        self.sentences = tuple(sentences)


def sentences(error: base.ValidationError) -> list[str]:
    return list(error.sentences) if isinstance(error, Problems) else [str(error)]


class Schema(base.Config):
    """A config read from a plain mapping, every problem reported at once.

    Unknown keys come first (worded by :attr:`unknown_key`), then each option's problem in the
    order the options are declared, then :meth:`check`'s rules between options, which run only
    when every option is valid."""

    #: The sentence for an unknown key: ``{key}``, ``{hint}`` (a " (did you mean ...)" or
    #: nothing) and ``{known}`` (the keys, comma-separated) are filled in.
    unknown_key: ClassVar[str] = "unknown key {key!r}{hint}; known keys: {known}"

    @classmethod
    def keys_known(cls) -> list[str]:
        return [key for key, _ in cls._schema]

    @classmethod
    def read(cls: type[S], raw: Mapping[str, Any]) -> tuple[S | None, list[str]]:
        """The validated config, or None, and every problem found (sentences)."""
        config = cls()
        known = cls.keys_known()
        problems = [
            cls.unknown_key.format(
                key=key, hint=suggestion(str(key), known), known=", ".join(known)
            )
            for key in raw
            if key not in known
        ]
        config.load_dict({key: value for key, value in raw.items() if key in known})
        failed = False
        for key, option in cls._schema:
            try:
                config[key] = option.validate(config.get(key))
            except base.ValidationError as error:
                problems += sentences(error)
                failed = True
        if not failed:
            problems += config.check()
        return (None if failed or problems else config), problems

    def check(self) -> list[str]:
        """Rules between options: problems as sentences (none by default)."""
        return []


class Nested(c.SubConfig, Generic[S]):  # type: ignore[type-arg]
    """A mapping validated by a :class:`Schema`, every problem reported. ``shorthand`` turns a
    plain string into the mapping it stands for (``conversion: purchase``); a missing value is
    ``empty`` read as the mapping, or None when ``empty`` is None."""

    def __init__(
        self,
        schema: type[S],
        *,
        not_a_mapping: str,
        shorthand: Callable[[str], dict[str, Any]] | None = None,
        empty: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(schema)
        self.config_class = schema
        self.default = None
        self.not_a_mapping = not_a_mapping
        self.shorthand = shorthand
        self.empty = empty

    def run_validation(self, value: object) -> S | None:
        if value is None:
            if self.empty is None:
                return None
            value = self.empty
        if isinstance(value, str) and self.shorthand is not None:
            value = self.shorthand(value)
        if not isinstance(value, Mapping):
            raise base.ValidationError(self.not_a_mapping.format(value=value))
        schema: type[S] = self.config_class
        config, problems = schema.read(value)
        if config is None:
            raise Problems(problems)
        return config


class DictOf(c.DictOfItems[T]):
    """A mapping of names to values, each validated by ``validate_item(name, value)``, which
    returns the value and its problems (sentences naming the item)."""

    def __init__(
        self,
        validate_item: Callable[[str, object], tuple[T | None, list[str]]],
        *,
        not_a_mapping: str,
    ) -> None:
        super().__init__(c.Type(object), default={})  # type: ignore[arg-type]
        self.validate_item = validate_item
        self.not_a_mapping = not_a_mapping

    def run_validation(self, value: object) -> dict[str, T]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise base.ValidationError(self.not_a_mapping.format(type=type(value).__name__))
        result: dict[str, T] = {}
        problems: list[str] = []
        for name, raw in value.items():
            item, found = self.validate_item(str(name), raw)
            problems += found
            if item is not None:
                result[str(name)] = item
        if problems:
            raise Problems(problems)
        return result


class ListOf(c.ListOfItems[T]):
    """A list of values, each validated by ``validate_item(number, value)`` (from 1)."""

    def __init__(
        self,
        validate_item: Callable[[int, object], tuple[T | None, list[str]]],
        *,
        not_a_list: str,
    ) -> None:
        super().__init__(c.Type(object), default=[])  # type: ignore[arg-type]
        self.validate_item = validate_item
        self.not_a_list = not_a_list

    def run_validation(self, value: object) -> list[T]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            raise base.ValidationError(self.not_a_list.format(type=type(value).__name__))
        result: list[T] = []
        problems: list[str] = []
        for number, raw in enumerate(value, start=1):
            item, found = self.validate_item(number, raw)
            problems += found
            if item is not None:
                result.append(item)
        if problems:
            raise Problems(problems)
        return result


class Text(base.BaseConfigOption[str | None]):
    """A text that is not blank, kept as written (``strip``: without surrounding whitespace).

    Missing or blank: the sentence ``required``, or None when the option is optional. Anything
    but a text: the sentence ``invalid`` (``{value}`` filled in), else ``required``."""

    def __init__(
        self, *, required: str | None = None, invalid: str | None = None, strip: bool = False
    ) -> None:
        super().__init__()
        self.missing = required
        self.invalid = invalid
        self.strip = strip

    def run_validation(self, value: object) -> str | None:
        if value is None and self.missing is None:
            return None
        if isinstance(value, str) and value.strip():
            return value.strip() if self.strip else value
        if self.missing is not None and (value is None or isinstance(value, str)):
            raise base.ValidationError(self.missing)
        raise base.ValidationError((self.invalid or self.missing or "").format(value=value))


class Scalar(base.BaseConfigOption[str | None]):
    """A value written as text, a number or a yes/no, kept as its text (None when missing)."""

    def run_validation(self, value: object) -> str | None:
        return None if value is None else str(value)


class Words(base.BaseConfigOption[str]):
    """One of ``choices`` (after ``normalise``), with a "did you mean" otherwise."""

    def __init__(
        self,
        choices: Sequence[str],
        *,
        default: str | None,
        invalid: str,
        normalise: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self.choices = tuple(choices)
        self.default = default
        self.invalid = invalid
        self.normalise = normalise

    def run_validation(self, value: object) -> str | None:
        if value is None:
            return self.default if self.default is None else str(self.default)
        word = self.normalise(str(value))
        if word not in self.choices:
            raise base.ValidationError(
                self.invalid.format(value=value, word=word, hint=suggestion(word, self.choices))
            )
        return word


class TimeZone(base.BaseConfigOption[str]):
    """An IANA time zone name (``Europe/Berlin``)."""

    def __init__(self, default: str = "UTC") -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if value is None:
            return str(self.default)
        try:
            zoneinfo.ZoneInfo(str(value))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise base.ValidationError(
                f"unknown time zone {value!r} (use an IANA name like 'UTC')"
            ) from None
        return str(value)


class Pattern(base.BaseConfigOption[str | None]):
    """A regular expression (Python's syntax, which DuckDB's RE2 shares for what rules use)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def run_validation(self, value: object) -> str | None:
        if value is None:
            return None
        try:
            re.compile(str(value))
        except re.error as error:
            raise base.ValidationError(
                f"{self.key} {value!r} is not a regular expression: {error}"
            ) from None
        return str(value)


class Share(base.BaseConfigOption[float]):
    """A share of a whole: a number from 0 to 1."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if value is None:
            return float(self.default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise base.ValidationError(
                f"expected a share between 0 and 1 (0.05 is 5%), got {value!r}"
            )
        return float(value)


class Whole(base.BaseConfigOption[int]):
    """A whole number from ``low`` to ``high``."""

    def __init__(self, key: str, *, default: int, low: int, high: int) -> None:
        super().__init__()
        self.key = key
        self.default = default
        self.low = low
        self.high = high

    def run_validation(self, value: object) -> int:
        if value is None:
            return int(self.default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            raise base.ValidationError(
                f"{self.key} must be a whole number from {self.low} to {self.high}, got {value!r}"
            )
        return value
