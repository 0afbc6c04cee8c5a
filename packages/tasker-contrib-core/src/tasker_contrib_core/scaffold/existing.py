"""Find the callable of a handler module that already exists, without importing it.

When a generator adds a step for a module it is not going to overwrite (the
user generated it earlier, maybe in the other style, maybe edited it since),
the template must point at what the module *really* defines. Importing user
code to find out could run arbitrary module-level code, so the source is read
with :mod:`ast` instead: a class with the expected name is referenced by its
import path, a decorated function by the name its decorator registers.
"""

from __future__ import annotations

import ast

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.spec import HandlerRef

#: Decorators of ``tasker_core.step_handler.functional`` that register a handler name.
REGISTERING_DECORATORS = frozenset(
    {"step_handler", "decision_handler", "batch_analyzer", "batch_worker", "api_handler"}
)


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments."""
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _registered_name(decorator: ast.expr, constants: dict[str, str]) -> str | None:
    if not isinstance(decorator, ast.Call) or not decorator.args:
        return None
    func = decorator.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in REGISTERING_DECORATORS:
        return None
    first = decorator.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.Name):
        return constants.get(first.id)
    return None


def module_callables(source: str, module: str) -> dict[str, str]:
    """``object name -> callable`` for every class and registering function in ``source``."""
    tree = ast.parse(source)
    constants = _constants(tree)
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = f"{module}.{node.name}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                registered = _registered_name(decorator, constants)
                if registered is not None:
                    found[node.name] = registered
                    break
    return found


def existing_callable(source: str, module: str, ref: HandlerRef, *, path: str) -> str:
    """The callable for ``ref`` in an existing module, whichever style it was written in.

    Looks for the class-style name (``ProcessPaymentHandler``) and the
    function-style name (``process_payment``); raises :class:`GenerationError`
    when the module defines neither.
    """
    try:
        found = module_callables(source, module)
    except SyntaxError as exc:
        raise GenerationError(
            f"{path} exists but is not valid Python ({exc.msg}, line {exc.lineno}); fix it or "
            "regenerate it with --force"
        ) from None
    class_name = "".join(part[:1].upper() + part[1:] for part in ref.step.split("_"))
    candidates = [ref.object_name, f"{class_name}Handler", ref.step]
    for candidate in dict.fromkeys(candidates):
        if candidate in found:
            return found[candidate]
    raise GenerationError(
        f"{path} exists but defines neither class {class_name}Handler nor a function "
        f"{ref.step} decorated with @step_handler (or another tasker_core functional "
        "decorator); regenerate it with --force, or add the step to the template by hand"
    )


__all__ = ["REGISTERING_DECORATORS", "existing_callable", "module_callables"]
