"""Type stubs of the Rust extension ``detente._native`` (crates/detente-py)."""

from typing import Any, Optional, Sequence, Union

__version__: str
RUN_COLUMNS: list[str]

class DetenteError(ValueError):
    """Invalid input; ``diagnostics`` lists each problem as a dict with ``file``, ``line``,
    ``column``, ``field`` and ``message`` (absent ones are None)."""

    diagnostics: list[dict[str, Any]]

class Architecture:
    """A loaded, validated architecture."""

    name: str
    origin: str
    toml: str
    horizon_years: float
    mechanisms: list[tuple[str, bool, float]]
    def with_values(self, values: Sequence[tuple[str, float]]) -> Architecture: ...

ArchLike = Union[str, Architecture]

def builtins() -> list[tuple[str, str]]: ...
def load(spec: str) -> Architecture: ...
def result(
    archs: Union[ArchLike, Sequence[ArchLike]],
    compare: bool = False,
    runs: int = 10000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    exact: bool = False,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
    monte_carlo: bool = False,
    parameters: Optional[Sequence[tuple[str, float]]] = None,
) -> str: ...
def run_frame(
    arch: ArchLike,
    runs: int = 10000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
    parameters: Optional[Sequence[tuple[str, float]]] = None,
) -> dict[str, list[Any]]: ...
def shard_part(
    archs: Union[ArchLike, Sequence[ArchLike]],
    shard: int,
    shards: int,
    compare: bool = False,
    runs: int = 10000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
) -> str: ...
def merge(parts: Sequence[tuple[str, str]]) -> str: ...
def sensitivity(
    arch: ArchLike,
    method: str = "morris",
    n: int = 64,
    seed: int = 1,
    params: Optional[Sequence[str]] = None,
    monte_carlo: bool = False,
    runs: int = 2000,
) -> str: ...
def params() -> list[dict[str, Any]]: ...
