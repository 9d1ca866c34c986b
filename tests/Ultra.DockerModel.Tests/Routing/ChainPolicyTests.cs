using System;
using System.Collections.Generic;
using System.Linq;
using Ultra.DockerModel.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>Which providers a call tries, in which order (issue 10 items 1, 3 and 5): the policy alone, no runspace, no I/O.</summary>
public sealed class ChainPolicyTests
{
    private static readonly LlmProvider Local = Chain.Dmr("local");
    private static readonly LlmProvider Backup = Chain.OpenAI("backup", "http://127.0.0.1:9/v1", "gpt-4o-mini");
    private static readonly LlmProvider Off = new() { Name = "off", Kind = LlmProviderKind.OpenAICompatible, Endpoint = "http://127.0.0.1:8/v1", Model = "m", Enabled = false };
    private static SavedChain Saved(params LlmProvider[] providers) => new(providers);

    private static ProviderChain Resolve(SavedChain saved, ChainChoice choice) => ChainPolicy.Standard.Resolve(saved, choice);

    private static string[] Names(ProviderChain chain) => chain.Providers.Select(p => $"{p.Name}:{p.Model}").ToArray();

    [Fact]
    public void Without_model_or_provider_the_saved_enabled_entries_in_order()
    {
        var chain = Resolve(Saved(Local, Off, Backup), new ChainChoice());
        Assert.Equal(new[] { "local:ai/smollm2", "backup:gpt-4o-mini" }, Names(chain));
        Assert.Null(chain.RequestedModel);
    }

    [Fact]
    public void Model_puts_the_local_runner_with_that_model_first_and_names_the_model()
    {
        var chain = Resolve(Saved(Local, Backup), new ChainChoice { Model = "ai/qwen2.5" });
        Assert.Equal(new[] { "DockerModelRunner:ai/qwen2.5", "local:ai/smollm2", "backup:gpt-4o-mini" }, Names(chain));
        Assert.Equal("ai/qwen2.5", chain.RequestedModel);
        Assert.True(chain.ServesRequestedModel(LlmProvider.LocalRunner("qwen2.5"))); // Docker's short name is the same model
        Assert.False(chain.ServesRequestedModel(Local));
    }

    [Fact]
    public void Model_already_first_in_the_chain_is_not_tried_twice()
    {
        var chain = Resolve(Saved(Local, Backup), new ChainChoice { Model = "smollm2" });
        Assert.Equal(new[] { "DockerModelRunner:smollm2", "backup:gpt-4o-mini" }, Names(chain));
    }

    [Fact]
    public void Provider_uses_that_entry_only_with_Model_as_its_model()
    {
        var chain = Resolve(Saved(Local, Backup), new ChainChoice { Provider = "BACKUP", Model = "gpt-4o" });
        Assert.Equal(new[] { "backup:gpt-4o" }, Names(chain));
        Assert.Equal("http://127.0.0.1:9/v1", chain.Providers[0].Endpoint);
        Assert.Equal("gpt-4o-mini", Backup.Model); // the saved entry itself is never changed
    }

    [Fact]
    public void An_unknown_provider_is_a_clear_InvalidInvocation()
    {
        var e = Assert.Throws<DockerModelException>(() => Resolve(Saved(Local), new ChainChoice { Provider = "nope" }));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("no provider named 'nope'", e.Message);
    }

    [Theory]
    [InlineData("ai/x;rm -rf /")]
    [InlineData("ai/x y")]
    public void A_bad_Docker_model_name_is_refused_before_any_provider_is_asked(string model)
    {
        Assert.Equal(ErrorKind.InvalidModelName, Assert.ThrowsAny<DockerModelException>(() => Resolve(Saved(Local), new ChainChoice { Model = model })).Kind);
        Assert.Equal(ErrorKind.InvalidModelName, Assert.ThrowsAny<DockerModelException>(() => Resolve(Saved(Local), new ChainChoice { Provider = "local", Model = model })).Kind);
    }

    [Fact]
    public void Nothing_to_try_says_what_to_do()
    {
        var e = Assert.Throws<DockerModelException>(() => Resolve(Saved(Off), new ChainChoice()));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("Set-LlmProviderFallback", e.Message);
    }

    [Fact]
    public void NoFallback_keeps_the_first_provider_only()
    {
        Assert.Equal(new[] { "local:ai/smollm2" }, Names(Resolve(Saved(Local, Backup), new ChainChoice { NoFallback = true })));
        Assert.Equal(new[] { "DockerModelRunner:ai/llama3.2" }, Names(Resolve(Saved(Local, Backup), new ChainChoice { Model = "ai/llama3.2", NoFallback = true })));
    }

    [Fact]
    public void Transport_given_applies_to_every_entry_and_otherwise_each_keeps_its_own()
    {
        var http = new LlmProvider { Name = "http", Kind = LlmProviderKind.DockerModelRunner, Model = "ai/llama3.2", Transport = LlmTransport.Http };
        var kept = Resolve(Saved(Local, http), new ChainChoice());
        Assert.Equal(new[] { LlmTransport.Auto, LlmTransport.Http }, kept.Providers.Select(p => p.Transport));
        var forced = Resolve(Saved(Local, http), new ChainChoice { Model = "ai/gemma3", Transport = LlmTransport.Cli });
        Assert.All(forced.Providers, p => Assert.Equal(LlmTransport.Cli, p.Transport));
        Assert.Equal(LlmTransport.Http, http.Transport);
    }

    [Fact]
    public void A_conversation_continues_with_its_provider_and_model_then_falls_back_along_the_chain()
    {
        var answered = Backup.With(model: "gpt-4o");
        var chain = Resolve(Saved(Local, Backup), new ChainChoice { Conversation = answered });
        Assert.Equal(new[] { "backup:gpt-4o", "local:ai/smollm2", "backup:gpt-4o-mini" }, Names(chain));
        Assert.Equal("gpt-4o", chain.RequestedModel);
    }

    [Fact]
    public void A_conversation_uses_the_saved_entry_as_it_is_now()
    {
        var moved = Chain.OpenAI("backup", "http://127.0.0.1:7/v1", "gpt-4o-mini");
        var chain = Resolve(Saved(moved), new ChainChoice { Conversation = Backup });
        Assert.Equal("http://127.0.0.1:7/v1", chain.Providers.Single().Endpoint);
    }

    [Fact]
    public void A_conversation_whose_provider_left_the_chain_continues_with_the_entry_it_carries()
    {
        var chain = Resolve(Saved(), new ChainChoice { Conversation = Backup });
        Assert.Equal(new[] { "backup:gpt-4o-mini" }, Names(chain));
        Assert.Equal("http://127.0.0.1:9/v1", chain.Providers[0].Endpoint);
        // The default local runner (no chain entry) is carried the same way.
        var local = Resolve(Saved(), new ChainChoice { Conversation = LlmProvider.LocalRunner("ai/smollm2") });
        Assert.Equal(new[] { "DockerModelRunner:ai/smollm2" }, Names(local));
    }

    [Fact]
    public void A_conversation_that_was_answered_over_the_CLI_continues_over_HTTP_unless_the_call_says_Cli()
    {
        var overCli = LlmProvider.LocalRunner("ai/smollm2", LlmTransport.Cli);
        Assert.Equal(LlmTransport.Auto, Resolve(Saved(), new ChainChoice { Conversation = overCli }).Providers[0].Transport);
        Assert.Equal(LlmTransport.Cli, Resolve(Saved(), new ChainChoice { Conversation = overCli, Transport = LlmTransport.Cli }).Providers[0].Transport);
    }

    [Fact]
    public void Model_or_Provider_given_with_a_conversation_win_over_it()
    {
        Assert.Equal("DockerModelRunner:ai/llama3.2", Names(Resolve(Saved(Local), new ChainChoice { Conversation = Backup, Model = "ai/llama3.2" }))[0]);
        Assert.Equal(new[] { "local:ai/smollm2" }, Names(Resolve(Saved(Local, Backup), new ChainChoice { Conversation = Backup, Provider = "local" })));
    }

    [Fact]
    public void An_unreadable_settings_file_stops_only_the_calls_that_need_the_chain()
    {
        var broken = SavedChain.Unreadable(new DockerModelException(ErrorKind.SettingsInvalid, "The settings file 'x' is not valid (bad)."));
        var chain = Resolve(broken, new ChainChoice { Model = "ai/smollm2", NoFallback = true });
        Assert.Equal(new[] { "DockerModelRunner:ai/smollm2" }, Names(chain));
        Assert.Contains(chain.Warnings, w => w.Contains("'x' is not valid") && w.Contains("without the saved fallback chain"));
        Assert.Single(Resolve(broken, new ChainChoice { Conversation = Backup }).Providers);
        Assert.Equal(ErrorKind.SettingsInvalid, Assert.Throws<DockerModelException>(() => Resolve(broken, new ChainChoice())).Kind);
        Assert.Equal(ErrorKind.SettingsInvalid, Assert.Throws<DockerModelException>(() => Resolve(broken, new ChainChoice { Provider = "local" })).Kind);
    }

    /// <summary>A later provider kind (the embedded engine) joins as one more rule, with no change to the others.</summary>
    private sealed class LastResortRule(LlmProvider provider) : IChainRule
    {
        public void Apply(ChainContext context)
        {
            if (context.Choice.Model != null && context.Choice.Provider is null) context.Add(provider.With(model: context.Choice.Model));
        }
    }

    [Fact]
    public void A_new_rule_appends_its_provider_after_the_standard_ones()
    {
        var extra = new LlmProvider { Name = "extra", Kind = LlmProviderKind.OpenAICompatible, Endpoint = "http://127.0.0.1:6/v1", Model = "placeholder" };
        var policy = new ChainPolicy(ChainPolicy.StandardRules.Append(new LastResortRule(extra)));
        var chain = policy.Resolve(Saved(Local), new ChainChoice { Model = "ai/qwen2.5" });
        Assert.Equal(new[] { "DockerModelRunner:ai/qwen2.5", "local:ai/smollm2", "extra:ai/qwen2.5" }, Names(chain));
        Assert.True(chain.ServesRequestedModel(chain.Providers[2]));
        Assert.Equal(new[] { "local:ai/smollm2" }, Names(policy.Resolve(Saved(Local), new ChainChoice())));
    }
}
