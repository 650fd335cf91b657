"""ember.utils (mirrors torch.utils)."""
