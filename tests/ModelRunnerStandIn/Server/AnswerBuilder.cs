using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>
/// The deterministic "model": it echoes the request so tests can check byte-for-byte delivery.
/// Answer = [answerPrefix +] `You said: «USER».` [+ ` System: «SYSTEM».`] [+ filler up to answerBytes] + Ending.
/// Each piece is one SSE chunk and counts as one completion token.
/// </summary>
public static class AnswerBuilder
{
    public const string Ending = " Ünïcödé ✓ 日本語 🙂 done.";
    public const int PieceRunes = 4;          // the echoed text and the ending
    public const int FillerPieceRunes = 1024; // big pieces, so a 10 MB answer is thousands of chunks, not millions

    public static string LastUserText(JNode request) => MessageText(request, "user", last: true) ?? "";

    public static string? SystemText(JNode request) => MessageText(request, "system", last: false);

    private static string? MessageText(JNode request, string role, bool last)
    {
        string? found = null;
        if (request["messages"] is not JArray messages) return null;
        foreach (var m in messages.Items)
        {
            if (m["role"]?.Str != role) continue;
            found = ContentText(m["content"]);
            if (!last) return found;
        }
        return found;
    }

    /// <summary>A message's text: a string, or the text parts of a multimodal array.</summary>
    public static string ContentText(JNode? content) => content switch
    {
        JString s => s.Text,
        JArray parts => string.Concat(parts.Items.Where(p => p["type"]?.Str == "text").Select(p => p["text"]?.Str ?? "")),
        _ => "",
    };

    public static List<byte[]> Pieces(string user, string? system, long answerBytes, string prefix = "")
    {
        var head = $"{prefix}You said: «{user}».";
        if (system is not null) head += $" System: «{system}».";
        var pieces = Split(head, PieceRunes);
        long size = Encoding.UTF8.GetByteCount(head) + Encoding.UTF8.GetByteCount(Ending);
        if (answerBytes > size) pieces.AddRange(Split(Filler(answerBytes - size), FillerPieceRunes));
        pieces.AddRange(Split(Ending, PieceRunes));
        return pieces;
    }

    /// <summary>A given answer (JSON for response_format), cut like the echo.</summary>
    public static List<byte[]> TextPieces(string text) => Split(text, PieceRunes);

    /// <summary>At least `bytes` UTF-8 bytes of numbered sentences mixing 1-, 2-, 3- and 4-byte characters.</summary>
    private static string Filler(long bytes)
    {
        var sb = new StringBuilder();
        long n = 0, have = 0;
        while (have < bytes)
        {
            var sentence = $" Filler {++n:D7}: the quick brown fox — ünïcödé 日本 🙂 jumps over the lazy dog.";
            sb.Append(sentence);
            have += Encoding.UTF8.GetByteCount(sentence);
        }
        return sb.ToString();
    }

    private static List<byte[]> Split(string text, int runesPerPiece)
    {
        var list = new List<byte[]>();
        var sb = new StringBuilder();
        int count = 0;
        foreach (var r in text.EnumerateRunes())
        {
            sb.Append(r.ToString());
            if (++count == runesPerPiece)
            {
                list.Add(Encoding.UTF8.GetBytes(sb.ToString()));
                sb.Clear();
                count = 0;
            }
        }
        if (sb.Length > 0) list.Add(Encoding.UTF8.GetBytes(sb.ToString()));
        return list;
    }

    /// <summary>The invalid-utf8 fault: a stray 0xFF 0xFE in one piece and a truncated 3-byte sequence in another.</summary>
    /// <summary>
    /// llama.cpp's `stop`: the answer ends before the first place any stop text appears (the stop text is not sent).
    /// Returns whether it was cut.
    /// </summary>
    public static bool ApplyStop(List<byte[]> pieces, JNode request)
    {
        var stops = request["stop"] switch
        {
            JString one => [one.Text],
            JArray many => many.Items.Select(i => i.Str ?? "").Where(t => t.Length > 0).ToList(),
            _ => new List<string>(),
        };
        if (stops.Count == 0) return false;
        var text = string.Concat(pieces.Select(p => Encoding.UTF8.GetString(p)));
        int cut = stops.Select(t => text.IndexOf(t, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (cut < 0) return false;
        int kept = 0, chars = 0;
        while (kept < pieces.Count && chars + Encoding.UTF8.GetString(pieces[kept]).Length <= cut)
            chars += Encoding.UTF8.GetString(pieces[kept++]).Length;
        var partial = kept < pieces.Count ? Encoding.UTF8.GetString(pieces[kept])[..(cut - chars)] : "";
        pieces.RemoveRange(kept, pieces.Count - kept);
        if (partial.Length > 0) pieces.Add(Encoding.UTF8.GetBytes(partial));
        return true;
    }

    public static void Corrupt(List<byte[]> pieces)
    {
        if (pieces.Count > 1) pieces[1] = [.. pieces[1], 0xFF, 0xFE];
        if (pieces.Count > 3) pieces[3] = [0xE6, 0x97, .. pieces[3]];
    }

    public static string Reasoning(string user) => $"Let me think about «{user}».";

    public static List<byte[]> ReasoningPieces(string user) => Split(Reasoning(user), PieceRunes);

    /// <summary>A rough, deterministic prompt token count: a quarter of the UTF-8 bytes plus 4 per message.</summary>
    public static long PromptTokens(JNode request)
    {
        long tokens = 0;
        if (request["messages"] is JArray messages)
            foreach (var m in messages.Items)
                tokens += 4 + (Encoding.UTF8.GetByteCount(ContentText(m["content"])) + 3) / 4;
        return tokens;
    }
}
