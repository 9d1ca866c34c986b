using System;
using System.Collections.Generic;
using System.IO;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Templates;
using Xunit;

namespace Ultra.DockerModel.Tests.Templates;

public sealed class PromptTemplateTests
{
    private static readonly PromptTemplate Summarize = new()
    {
        Name = "summarize",
        Prompt = "Summarize in {{lang}}:\n{{ input }}",
        SystemPrompt = "You write {{lang}} only.",
    };

    [Fact]
    public void Placeholders_are_filled_and_input_goes_where_it_is_named()
    {
        var (prompt, system) = Summarize.Render(new Dictionary<string, string> { ["LANG"] = "fr" }, "the text");
        Assert.Equal("Summarize in fr:\nthe text", prompt);
        Assert.Equal("You write fr only.", system);
        Assert.Equal(new[] { "lang", "input" }, Summarize.Parameters);
    }

    [Fact]
    public void A_missing_value_is_an_error_naming_every_missing_one()
    {
        var e = Assert.Throws<DockerModelException>(() => Summarize.Render(new Dictionary<string, string>(), null));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("{{lang}}, {{input}}", e.Message);
        Assert.Contains("-TemplateParameter @{ lang = '...' }", e.Message);
        Assert.Contains("pipe text in", e.Message);
    }

    [Fact]
    public void A_prompt_without_input_gets_the_input_after_it()
    {
        var t = new PromptTemplate { Name = "pirate", Prompt = "Answer like a pirate." };
        Assert.Equal("Answer like a pirate.\n\nwhere is it?", t.Render(new Dictionary<string, string>(), "where is it?").Prompt);
        Assert.Equal("Answer like a pirate.", t.Render(new Dictionary<string, string>(), null).Prompt);
    }

    [Fact]
    public void A_value_is_not_read_as_a_placeholder_again()
    {
        var (prompt, _) = Summarize.Render(new Dictionary<string, string> { ["lang"] = "{{input}}" }, "x");
        Assert.Equal("Summarize in {{input}}:\nx", prompt);
    }

    [Theory]
    [InlineData("", "p")]
    [InlineData("has space", "p")]
    [InlineData("ok", " ")]
    public void Bad_templates_are_refused(string name, string prompt) =>
        Assert.Equal(ErrorKind.SettingsInvalid, Assert.Throws<DockerModelException>(() => new PromptTemplate { Name = name, Prompt = prompt }.Validate()).Kind);

    [Fact]
    public void Templates_round_trip_through_the_settings_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tpl-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new SettingsStore(folder);
            store.Update(s => s.Templates.Add(new PromptTemplate { Name = "t", Prompt = "{{input}}", Temperature = 0, Schema = "{\"type\":\"object\"}" }));
            var loaded = Assert.Single(store.Load().Templates);
            Assert.Equal(0f, loaded.Temperature);
            Assert.Equal("{\"type\":\"object\"}", loaded.Schema);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
