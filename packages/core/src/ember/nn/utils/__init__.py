"""ember.nn.utils (mirrors torch.nn.utils)."""
