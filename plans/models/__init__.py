"""Problems, cause analyses, prioritisation, action plans, measures and follow-ups."""

from plans.models.evaluation import EvaluationDesign, EvaluationDesignRevision
from plans.models.plans import ActionPlan, FollowUp, Measure, PlanRevision, PlanSignature
from plans.models.priority import PriorityDecision, PriorityWeights, ResidentConcern
from plans.models.problems import Cause, Problem, ProblemReport

__all__ = [
    "ActionPlan",
    "Cause",
    "EvaluationDesign",
    "EvaluationDesignRevision",
    "FollowUp",
    "Measure",
    "PlanRevision",
    "PlanSignature",
    "PriorityDecision",
    "PriorityWeights",
    "Problem",
    "ProblemReport",
    "ResidentConcern",
]
