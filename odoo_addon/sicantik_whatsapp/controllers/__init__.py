from . import main
from . import evidence
