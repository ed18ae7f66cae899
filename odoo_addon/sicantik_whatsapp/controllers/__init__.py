from . import consent
from . import webhook
from . import evidence
