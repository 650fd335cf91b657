"""Word-level language model (pytorch/examples/word_language_model) on the first 3,000 words of tiny Shakespeare:
Dictionary/Corpus tokenising with <eos>, batchify, Embedding + 2-layer LSTM (dropout=0) + tied decoder weights,
truncated BPTT with repackaged (detached) hidden state, clip_grad_norm_ and the manual p.data.add_ SGD update."""
import math
import os

import numpy as np

RTOL = 2e-4
ATOL = 2e-6

_HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_PATH = os.path.normpath(os.path.join(_HERE, "..", "..", "..", "..", "shared", "data", "tinyshakespeare",
                                          "input.txt"))


def load_lines(n_words: int = 3000) -> list:
    """The text's first ``n_words`` whitespace-separated words, kept in their lines."""
    path = os.environ.get("EMBER_TINYSHAKESPEARE", TEXT_PATH)
    lines, count = [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            words = line.split()
            if count + len(words) > n_words:
                words = words[:n_words - count]
            lines.append(words)
            count += len(words)
            if count >= n_words:
                break
    return lines


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)

    class Dictionary:
        def __init__(self):
            self.word2idx = {}
            self.idx2word = []

        def add_word(self, word):
            if word not in self.word2idx:
                self.idx2word.append(word)
                self.word2idx[word] = len(self.idx2word) - 1
            return self.word2idx[word]

        def __len__(self):
            return len(self.idx2word)

    dictionary = Dictionary()
    idss = []
    for words in load_lines():
        words = words + ["<eos>"]
        idss.append(torch.tensor([dictionary.add_word(w) for w in words]).type(torch.int64))
    ids = torch.cat(idss)
    n_train = int(ids.size(0) * 0.9)
    train_ids, val_ids = ids[:n_train], ids[n_train:]

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        return data.view(bsz, -1).t().contiguous()

    train_data = batchify(train_ids, 10)
    val_data = batchify(val_ids, 5)
    bptt = 25

    def get_batch(source, i):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].view(-1)
        return data, target

    class RNNModel(nn.Module):
        def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.0, tie_weights=True):
            super().__init__()
            self.ntoken = ntoken
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            if tie_weights:
                if nhid != ninp:
                    raise ValueError("When using the tied flag, nhid must be equal to emsize")
                self.decoder.weight = self.encoder.weight
            self.init_weights()
            self.nhid = nhid
            self.nlayers = nlayers

        def init_weights(self):
            initrange = 0.1
            g = np.random.default_rng(501)
            with torch.no_grad():
                self.encoder.weight.copy_(torch.from_numpy(
                    g.uniform(-initrange, initrange, size=tuple(self.encoder.weight.shape))))
                nn.init.zeros_(self.decoder.bias)
                for name, p in self.rnn.named_parameters():
                    bound = 1.0 / math.sqrt(self.rnn.hidden_size)
                    p.copy_(torch.from_numpy(g.uniform(-bound, bound, size=tuple(p.shape))))

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            output = self.drop(output)
            decoded = self.decoder(output)
            decoded = decoded.view(-1, self.ntoken)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz):
            weight = next(self.parameters())
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))

    def repackage_hidden(h):
        """Wraps hidden states in new Tensors, to detach them from their history."""
        if isinstance(h, torch.Tensor):
            return h.detach()
        return tuple(repackage_hidden(v) for v in h)

    ntokens = len(dictionary)
    model = RNNModel(ntokens, 24, 24, 2, dropout=0.0)
    criterion = nn.NLLLoss()

    def evaluate(data_source, bsz):
        model.eval()
        total_loss = 0.0
        hidden = model.init_hidden(bsz)
        with torch.no_grad():
            for i in range(0, data_source.size(0) - 1, bptt):
                data, targets = get_batch(data_source, i)
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
                total_loss += len(data) * criterion(output, targets).item()
        return total_loss / (len(data_source) - 1)

    lr, clip = 5.0, 0.25
    val_losses = [evaluate(val_data, 5)]
    train_losses, norms = [], []
    for epoch in range(2):
        model.train()
        hidden = model.init_hidden(10)
        for batch, i in enumerate(range(0, min(train_data.size(0) - 1, 6 * bptt), bptt)):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)))
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            train_losses.append(loss.item())
        val_losses.append(evaluate(val_data, 5))

    return {
        "ntokens": ntokens,
        "n_ids": int(ids.size(0)),
        "train_shape": list(train_data.shape),
        "val_shape": list(val_data.shape),
        "first_words": dictionary.idx2word[:8],
        "losses": val_losses,
        "train_losses": train_losses,
        "grad_norms": norms,
        "tied": model.decoder.weight is model.encoder.weight,
        "n_params": sum(p.numel() for p in model.parameters()),
        "decoder_bias": model.decoder.bias.detach(),
        "embedding": model.encoder.weight.detach()[:20],
        "hidden_requires_grad": hidden[0].requires_grad,
    }


def check(r) -> None:
    assert r["tied"]
    assert r["first_words"][:3] == ["First", "Citizen:", "<eos>"]
    assert r["n_ids"] > 3000
    nt = r["ntokens"]
    assert r["n_params"] == nt * 24 + nt + 2 * 4 * (24 * 24 * 2 + 2 * 24)  # tied decoder weight counted once
    assert all(n > 0 for n in r["grad_norms"])
