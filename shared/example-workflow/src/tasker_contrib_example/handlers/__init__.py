"""Step handlers of the order-processing example.

Class-style handlers (``StepHandler``, ``DecisionHandler``, the ``Batchable``
mixin) are referenced from the template by import path; decorator-style
handlers (``tasker_core.step_handler.functional``) by the name they register,
which a worker learns by scanning this package.
"""
