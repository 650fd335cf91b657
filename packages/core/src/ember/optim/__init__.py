"""ember.optim (mirrors torch.optim): optimizers, learning-rate schedulers and weight averaging."""
from .optimizer import Optimizer, register_optimizer_step_post_hook, register_optimizer_step_pre_hook
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from . import lr_scheduler, swa_utils

__all__ = ["Optimizer", "Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "ASGD", "LBFGS", "NAdam", "RAdam",
           "RMSprop", "Rprop", "SGD", "lr_scheduler", "swa_utils", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]
