"""GRU encoder-decoder with Bahdanau attention (the "NLP From Scratch: translation" tutorial) on a toy
reverse-the-sequence task: padded batches, masked_fill(-inf) over padding, softmax, torch.bmm context, teacher
forcing alternating with greedy decoding (topk + detach), NLLLoss(ignore_index) and Adam (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-10

SOS, EOS, PAD = 1, 2, 0


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(801)
    vocab, hidden, max_len, batch = 12, 16, 7, 5

    # source: random tokens 3..11 of varying length, EOS, then PAD; target: the reversed tokens, EOS, PAD
    lengths = rng.integers(3, max_len - 1, size=(4, batch))
    src = np.full((4, batch, max_len), PAD, dtype=np.int64)
    tgt = np.full((4, batch, max_len), PAD, dtype=np.int64)
    for s in range(4):
        for b in range(batch):
            n = lengths[s, b]
            toks = rng.integers(3, vocab, size=n)
            src[s, b, :n] = toks
            src[s, b, n] = EOS
            tgt[s, b, :n] = toks[::-1]
            tgt[s, b, n] = EOS

    class EncoderRNN(nn.Module):
        def __init__(self, input_size, hidden_size, dropout_p=0.0):
            super().__init__()
            self.embedding = nn.Embedding(input_size, hidden_size, padding_idx=PAD)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input):
            embedded = self.dropout(self.embedding(input))
            return self.gru(embedded)

    class BahdanauAttention(nn.Module):
        def __init__(self, hidden_size):
            super().__init__()
            self.Wa = nn.Linear(hidden_size, hidden_size)
            self.Ua = nn.Linear(hidden_size, hidden_size)
            self.Va = nn.Linear(hidden_size, 1)

        def forward(self, query, keys, mask):
            scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))   # (B, S, 1)
            scores = scores.squeeze(2).unsqueeze(1)                          # (B, 1, S)
            scores = scores.masked_fill(mask.unsqueeze(1), float("-inf"))
            weights = F.softmax(scores, dim=-1)
            context = torch.bmm(weights, keys)
            return context, weights

    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size, output_size):
            super().__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)

        def forward(self, encoder_outputs, encoder_hidden, mask, target_tensor=None, teacher_pattern=()):
            batch_size = encoder_outputs.size(0)
            decoder_input = torch.empty(batch_size, 1, dtype=torch.long).fill_(SOS)
            decoder_hidden = encoder_hidden
            decoder_outputs, attentions = [], []
            for i in range(max_len):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs, mask)
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None and teacher_pattern[i]:
                    decoder_input = target_tensor[:, i].unsqueeze(1)  # teacher forcing
                else:
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()  # its own prediction as the next input
            decoder_outputs = torch.cat(decoder_outputs, dim=1)
            decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
            attentions = torch.cat(attentions, dim=1)
            return decoder_outputs, decoder_hidden, attentions

        def forward_step(self, input, hidden, encoder_outputs, mask):
            embedded = self.embedding(input)
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs, mask)
            input_gru = torch.cat((embedded, context), dim=2)
            output, hidden = self.gru(input_gru, hidden)
            return self.out(output), hidden, attn_weights

    encoder = init_from_numpy(torch, EncoderRNN(vocab, hidden).double(), seed=802)
    decoder = init_from_numpy(torch, AttnDecoderRNN(hidden, vocab).double(), seed=803)
    with torch.no_grad():
        encoder.embedding.weight[PAD].fill_(0)  # what padding_idx does at construction; gradients never reach it
    enc_opt = torch.optim.Adam(encoder.parameters(), lr=1e-2)
    dec_opt = torch.optim.Adam(decoder.parameters(), lr=1e-2)
    criterion = nn.NLLLoss(ignore_index=PAD)
    patterns = [(True,) * max_len, (True, False) * 4, (False,) * max_len, (True, True, False) * 3]

    losses = []
    for epoch in range(3):
        total = 0.0
        for s in range(4):
            input_tensor = torch.from_numpy(src[s])
            target_tensor = torch.from_numpy(tgt[s])
            mask = input_tensor == PAD
            enc_opt.zero_grad()
            dec_opt.zero_grad()
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, mask, target_tensor, patterns[s])
            loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
            loss.backward()
            enc_opt.step()
            dec_opt.step()
            total += loss.item()
        losses.append(total / 4)

    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        input_tensor = torch.from_numpy(src[0])
        mask = input_tensor == PAD
        enc_out, enc_hidden = encoder(input_tensor)
        dec_out, dec_hidden, attn = decoder(enc_out, enc_hidden, mask)
        _, topi = dec_out.topk(1)
        decoded_ids = topi.squeeze()
    return {
        "losses": losses,
        "decoded_ids": decoded_ids,
        "attn": attn,
        "attn_on_pad": attn.masked_select(mask.unsqueeze(1).expand_as(attn)).abs().max(),
        "dec_hidden": dec_hidden,
        "enc_embedding_pad_row": encoder.embedding.weight[PAD],
        "Va_grad": decoder.attention.Va.weight.grad,
        "enc_gru_grad": encoder.gru.weight_hh_l0.grad,
    }


def check(r) -> None:
    a = np.asarray(r["attn"])
    assert a.shape == (5, 7, 7)
    np.testing.assert_allclose(a.sum(-1), 1.0, rtol=1e-12)
    assert float(r["attn_on_pad"]) == 0.0
    np.testing.assert_array_equal(r["enc_embedding_pad_row"], 0.0)
