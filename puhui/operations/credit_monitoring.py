"""The credit model's monitoring, which reads credit's decisions beside what lending's loans
became."""

from puhui.credit.models import CreditModel
from puhui.credit.selectors import Monitoring, model_monitoring
from puhui.lending.selectors import loans_defaulted
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def credit_monitoring(model: CreditModel) -> Monitoring:
    policy = rulebook_section(rulebook_in_force(), "credit_policy")
    return model_monitoring(model, outcomes=loans_defaulted,
                            min_sample=policy.monitoring_min_sample)
