using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Engine;
using Xunit;
using static Ultra.DockerModel.Tests.Engine.EngineUnderTest;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>The engine's IChatClient on generated models, loaded from the module's real embedded/ folder.</summary>
[Collection(EngineCollection.Name)]
public class LlamaChatClientTests(ModelFolder models)
{
    private IChatClient Client(string? path = null, EngineOptions? options = null, IEngineLog? log = null) =>
        Instance.CreateChatClient(path ?? models.Tiny, options ?? Options(), log);

    private static ChatOptions Sampled(int maxTokens, long seed = 7, float temperature = 1f) =>
        new() { MaxOutputTokens = maxTokens, Seed = seed, Temperature = temperature };

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public async Task Max_tokens_is_honoured_exactly_with_finish_reason_length(int maxTokens)
    {
        // PreventEOS is not reachable through ChatOptions, so pick a seed that does not end early: the answer
        // either stops at an end-of-generation token (reason stop) or at exactly maxTokens (reason length).
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Tell me a story"), Sampled(maxTokens)));
        var usage = Usage(updates);
        if (Finish(updates) == ChatFinishReason.Stop) Assert.True(usage.OutputTokenCount < maxTokens);
        else
        {
            Assert.Equal(ChatFinishReason.Length, Finish(updates));
            Assert.Equal(maxTokens, usage.OutputTokenCount);
        }
        Assert.True(usage.InputTokenCount > 5, "the prompt's tokens are counted (template included)");
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_text_and_another_seed_another()
    {
        string first = Text(await CollectAsync(Client().GetStreamingResponseAsync(User("Once upon a time"), Sampled(40, seed: 11))));
        string again = Text(await CollectAsync(Client().GetStreamingResponseAsync(User("Once upon a time"), Sampled(40, seed: 11))));
        string other = Text(await CollectAsync(Client().GetStreamingResponseAsync(User("Once upon a time"), Sampled(40, seed: 12))));
        Assert.NotEmpty(first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Pieces_are_whole_utf8_characters_and_join_to_the_answer()
    {
        var all = new List<string>();
        for (int seed = 1; seed <= 6; seed++)
        {
            var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Écris en français: café, naïve, 日本語 🙂"), Sampled(60, seed, temperature: 1.5f)));
            var pieces = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
            foreach (var piece in pieces)
            {
                Assert.False(char.IsLowSurrogate(piece[0]), $"piece starts inside a character: {piece}");
                Assert.False(char.IsHighSurrogate(piece[^1]), $"piece ends inside a character: {piece}");
            }
            all.AddRange(pieces);
            Assert.Equal(string.Concat(pieces), (await Client().GetResponseAsync(User("Écris en français: café, naïve, 日本語 🙂"), Sampled(60, seed, temperature: 1.5f))).Text);
        }
        Assert.Contains(all, p => p.Any(c => c > 0x7F)); // the vocabulary's multi-byte pieces do come out
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_answer_before_it_with_reason_stop()
    {
        string full = Text(await CollectAsync(Client().GetStreamingResponseAsync(User("Count"), Sampled(40, seed: 3))));
        Assert.True(full.Length > 12, full);
        string stop = full.Substring(8, 3);
        int expected = full.IndexOf(stop, StringComparison.Ordinal);
        var options = Sampled(40, seed: 3);
        options.StopSequences = new List<string> { stop };
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Count"), options));
        Assert.Equal(full.Substring(0, expected), Text(updates));
        Assert.Equal(ChatFinishReason.Stop, Finish(updates));
    }

    [Fact]
    public async Task The_system_prompt_and_history_go_through_the_chat_template()
    {
        var plain = Usage(await CollectAsync(Client().GetStreamingResponseAsync(User("hi"), Sampled(1))));
        var conversation = new List<ChatMessage>
        {
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "hello"),
            new(ChatRole.Assistant, "hi there"),
            new(ChatRole.User, "hi"),
        };
        var withHistory = Usage(await CollectAsync(Client().GetStreamingResponseAsync(conversation, Sampled(1))));
        var withInstructions = Usage(await CollectAsync(Client().GetStreamingResponseAsync(User("hi"), new ChatOptions { MaxOutputTokens = 1, Instructions = "You are terse." })));
        // ChatML: "<|im_start|>" role "\n" content "<|im_end|>\n" per message, so each message adds its markers and text.
        Assert.True(withHistory.InputTokenCount >= plain.InputTokenCount + 3 * 4, $"{withHistory.InputTokenCount} vs {plain.InputTokenCount}");
        Assert.True(withInstructions.InputTokenCount > plain.InputTokenCount + 4);
    }

    [Fact]
    public async Task A_model_without_a_template_is_run_with_chatml()
    {
        string path = models.Get(new TinyModel { ChatTemplate = null });
        var noTemplate = Usage(await CollectAsync(Client(path).GetStreamingResponseAsync(User("hi"), Sampled(1))));
        var chatMl = Usage(await CollectAsync(Client().GetStreamingResponseAsync(User("hi"), Sampled(1))));
        Assert.Equal(chatMl.InputTokenCount, noTemplate.InputTokenCount);
    }

    [Fact]
    public async Task A_template_llama_cpp_cannot_apply_is_an_error_that_shows_it()
    {
        string path = models.Get(new TinyModel { ChatTemplate = GgufWriter.UnknownTemplate });
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Client(path).GetResponseAsync(User("hi"), Sampled(4)));
        Assert.Equal(ErrorKind.ModelLoadFailed, e.Kind);
        Assert.Contains("[[{{ m.role }}]]", e.Message);
        Assert.Contains("chat template", e.Message);
    }

    [Fact]
    public async Task A_grammar_constrains_the_answer_and_a_bad_grammar_is_refused()
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var options = Sampled(20, seed).SetGrammar("root ::= (\"yes\" | \"no\") \"!\"");
            var answer = await Client().GetResponseAsync(User("Answer"), options);
            Assert.Matches("^(yes|no)!$", answer.Text);
        }
        var bad = Sampled(5).SetGrammar("root ::= (\"unclosed\"");
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Client().GetResponseAsync(User("Answer"), bad));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("GBNF", e.Message);
    }

    [Fact]
    public async Task Sampling_options_out_of_range_are_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<DockerModelException>(() =>
            Client().GetResponseAsync(User("hi"), new ChatOptions { MaxOutputTokens = 2, FrequencyPenalty = 3f }));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
    }

    [Fact]
    public async Task The_sampling_options_change_the_answer()
    {
        async Task<string> Run(ChatOptions o) => (await Client().GetResponseAsync(User("Once upon a time"), o)).Text;
        string baseline = await Run(Sampled(30, seed: 5));
        string greedy1 = await Run(new ChatOptions { MaxOutputTokens = 30, Temperature = 0f, Seed = 1 });
        string greedy2 = await Run(new ChatOptions { MaxOutputTokens = 30, Temperature = 0f, Seed = 2 });
        Assert.Equal(greedy1, greedy2); // temperature 0 is greedy: the seed does not matter
        Assert.NotEqual(baseline, await Run(new ChatOptions { MaxOutputTokens = 30, Seed = 5, Temperature = 1f, TopK = 1 }));
        Assert.NotEqual(baseline, await Run(new ChatOptions { MaxOutputTokens = 30, Seed = 5, Temperature = 1f, TopP = 0.05f }));
        Assert.NotEqual(baseline, await Run(new ChatOptions { MaxOutputTokens = 30, Seed = 5, Temperature = 1f, PresencePenalty = 2f, FrequencyPenalty = 2f }));
    }
}
