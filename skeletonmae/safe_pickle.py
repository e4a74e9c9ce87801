"""A restricted unpickler for annotation pickles (PySKL / mmaction2 ``.pkl`` files).

Unpickling runs whatever callables a file names, so an untrusted pickle can run arbitrary code.
`safe_load` only resolves the globals needed for plain data: containers, numbers, strings, bytes
and numpy arrays / scalars. Dicts, lists, tuples, str, bytes, int, float, bool and None are built by
pickle opcodes that need no global at all; numpy needs its array reconstructor, ``ndarray``,
``dtype`` and its scalar constructor; pickles written with protocol 2 or lower (mmcv's default)
also spell bytes as ``_codecs.encode(text, "latin1")``. Every other global is refused with
`UnsafePickleError` naming it, before anything is called.
"""

from __future__ import annotations

import codecs
import io
import os
import pickle
from typing import IO, Any

import numpy as np

__all__ = [
    "SafeUnpickler",
    "UnsafePickleError",
    "check_array_size",
    "max_array_bytes",
    "safe_load",
    "safe_loads",
]


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle names a global outside the allow-list; ``module`` and ``name`` say which."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        super().__init__(
            f"refused to unpickle global '{module}.{name}': only dicts, lists, tuples, strings, "
            "bytes, numbers, booleans, None and numpy arrays are allowed"
        )


def _latin1_encode(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """``_codecs.encode`` as protocol ≤ 2 pickles use it for bytes: only str → latin-1 bytes."""
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise pickle.UnpicklingError(
            f"refused _codecs.encode({type(text).__name__}, {encoding!r}): only the latin-1 "
            "encoding of a string (how old pickles store bytes) is allowed"
        )
    return text.encode("latin-1", errors)


def max_array_bytes() -> int:
    """The largest array a clip file may make us allocate: ``$SKELETONMAE_MAX_ARRAY_BYTES``, by
    default 2 GiB (an hour of 2-person NTU skeletons at 30 fps is ~50 MB)."""
    return int(os.environ.get("SKELETONMAE_MAX_ARRAY_BYTES", 2 << 30))


def check_array_size(shape: Any, dtype: Any, *, source: str = "array") -> None:
    """Refuse, before allocating it, an array larger than `max_array_bytes`."""
    try:
        dims = [int(d) for d in (shape if isinstance(shape, tuple | list) else (shape,))]
        itemsize = np.dtype(dtype).itemsize
    except (TypeError, ValueError) as e:
        raise pickle.UnpicklingError(f"{source}: bad array shape or dtype ({e})") from None
    if any(d < 0 for d in dims):
        raise pickle.UnpicklingError(f"{source}: negative array shape {tuple(dims)}")
    size = itemsize
    for d in dims:
        size *= d
    if size > max_array_bytes():
        raise pickle.UnpicklingError(
            f"{source}: an array of shape {tuple(dims)} ({size / 2**30:.3g} GiB) exceeds the "
            f"{max_array_bytes() / 2**30:.3g} GiB limit (SKELETONMAE_MAX_ARRAY_BYTES raises it)"
        )


def _bounded_ndarray(shape: Any, dtype: Any = float, *args: Any, **kwargs: Any) -> np.ndarray:
    """``numpy.ndarray(shape, dtype, …)`` for a pickle, refusing oversized shapes."""
    check_array_size(shape, dtype, source="pickled numpy.ndarray")
    return np.ndarray(shape, dtype, *args, **kwargs)


def _numpy_globals() -> dict[tuple[str, str], Any]:
    """The numpy callables that array and scalar pickles name, under numpy 1.x and 2.x modules.

    They are taken from numpy's own reductions, so no private module is imported here.
    """
    reconstruct = np.zeros(1).__reduce__()[0]
    scalar = np.float64(0).__reduce__()[0]
    frombuffer = np.zeros(1).__reduce_ex__(5)[0]

    def bounded_reconstruct(subtype: Any, shape: Any, dtype: Any) -> np.ndarray:
        check_array_size(shape, dtype, source="pickled array")
        return reconstruct(np.ndarray if subtype is _bounded_ndarray else subtype, shape, dtype)

    table: dict[tuple[str, str], Any] = {
        ("numpy", "ndarray"): _bounded_ndarray,
        ("numpy", "dtype"): np.dtype,
    }
    for core in ("numpy.core", "numpy._core"):
        table[(f"{core}.multiarray", "_reconstruct")] = bounded_reconstruct
        table[(f"{core}.multiarray", "scalar")] = scalar
        table[(f"{core}.numeric", "_frombuffer")] = frombuffer
    return table


_ALLOWED: dict[tuple[str, str], Any] = {
    **_numpy_globals(),
    ("_codecs", "encode"): _latin1_encode,
}


class SafeUnpickler(pickle.Unpickler):
    """`pickle.Unpickler` whose `find_class` resolves only the allow-listed globals."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(module, name) from None

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError(f"refused persistent id {pid!r}: not plain data")


def safe_load(file: IO[bytes] | str | os.PathLike) -> Any:
    """Unpickle plain data from a binary file object or a path; see the module docstring."""
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as f:
            return SafeUnpickler(f).load()
    return SafeUnpickler(file).load()


def safe_loads(data: bytes) -> Any:
    """`safe_load` from bytes."""
    return SafeUnpickler(io.BytesIO(data)).load()
