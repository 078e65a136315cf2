"""hazcheck: rule engine for major-hazard classification and work-safety return audits.

Data flows one way: files -> validated models (engine.model, engine.load) -> compiled rules
(engine.compile) -> facts (engine.facts) -> findings (engine.evaluate) -> reporters (engine.report).
"""

__version__ = "0.1.0"
