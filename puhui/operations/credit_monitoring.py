"""The credit model's monitoring, which reads credit's decisions beside what lending's loans
became."""

from puhui.credit.models import CreditModel
from puhui.credit.selectors import Monitoring, model_monitoring
from puhui.lending.selectors import loans_defaulted


def credit_monitoring(model: CreditModel) -> Monitoring:
    return model_monitoring(model, outcomes=loans_defaulted)
