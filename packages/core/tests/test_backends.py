"""The start-up switches PyTorch programs set (torch.backends, torch.version) exist and answer truthfully."""
import ember


def test_backends_flags_and_availability():
    ember.backends.cudnn.benchmark = True
    ember.backends.cudnn.deterministic = True
    ember.backends.cuda.matmul.allow_tf32 = True
    assert ember.backends.cudnn.benchmark and ember.backends.cudnn.deterministic
    assert ember.backends.cudnn.is_available() == ember.cuda.is_available()
    assert ember.backends.mps.is_available() is False and ember.backends.mkldnn.is_available() is False
    assert ember.version.__version__ == ember.__version__ == "0.1.0" and ember.version.cuda is None
