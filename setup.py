"""The one compiled part of paramguard: fastscan's two whole-document passes (paramguard._sweep).

Everything else is declared in pyproject.toml. The extension is optional: where it cannot be
built (no C compiler), the install goes on and fastscan runs the same passes in Python, with
the same results (docs/performance.md).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "paramguard._sweep",
            ["function/paramguard/_sweep.c"],
            py_limited_api=True,  # one build for CPython 3.11 and later
            define_macros=[("Py_LIMITED_API", "0x030B0000")],
            optional=True,
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp311"}},  # the wheel says so: abi3
)
