from . import main
from . import preview
from . import evidence
