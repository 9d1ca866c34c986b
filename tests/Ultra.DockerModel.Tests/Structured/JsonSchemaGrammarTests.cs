using System.Linq;
using System.Text.RegularExpressions;
using Ultra.DockerModel.Structured;
using Xunit;

namespace Ultra.DockerModel.Tests.Structured;

/// <summary>The GBNF the embedded engine gets for a schema: every rule it names is defined, and the shapes are the schema's.</summary>
public sealed class JsonSchemaGrammarTests
{
    private static string[] Undefined(string gbnf)
    {
        var defined = Regex.Matches(gbnf, @"^([a-z0-9-]+) ::=", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        // Names outside quoted literals and character classes.
        var bare = Regex.Replace(gbnf, @"""(\\.|[^""\\])*""|\[(\\.|[^\]\\])*\]", " ");
        return Regex.Matches(bare, @"(?<![\w-])([a-z][a-z0-9-]*)(?![\w-]*\s*::=)").Select(m => m.Groups[1].Value).Where(n => !defined.Contains(n)).Distinct().ToArray();
    }

    [Fact]
    public void Required_properties_come_always_and_optional_ones_may_be_left_out()
    {
        var gbnf = JsonSchemaGrammar.For(OutputSchema.Parse(StructuredOutputTests.InvoiceSchema.Replace("\"required\":[\"number\",\"total\"]", "\"required\":[\"total\"]")));
        Assert.StartsWith("root ::= \"{\" ws (\"\\\"number\\\"\" ws \":\" ws string \",\" ws)? \"\\\"total\\\"\" ws \":\" ws number \"}\" ws\n", gbnf);
        Assert.Empty(Undefined(gbnf));
    }

    [Fact]
    public void A_class_schema_gives_nested_rules_for_lists_enums_and_nullable_values()
    {
        var gbnf = JsonSchemaGrammar.For(OutputSchema.FromType(typeof(StructuredOutputTests.Invoice)));
        Assert.Contains("root-lines ::= \"[\" ws (root-lines-item (\",\" ws root-lines-item)*)? \"]\" ws", gbnf);
        Assert.Contains("root-currency ::= (\"\\\"EUR\\\"\" | \"\\\"USD\\\"\") ws", gbnf);
        Assert.Contains("boolean ::=", gbnf);
        Assert.Empty(Undefined(gbnf));
    }

    [Fact]
    public void The_engine_gets_the_same_grammar_from_the_chat_options()
    {
        var schema = OutputSchema.FromType(typeof(StructuredOutputTests.Invoice));
        var format = (Microsoft.Extensions.AI.ChatResponseFormatJson)schema.ToResponseFormat();
        Assert.Equal(JsonSchemaGrammar.For(schema), JsonSchemaGrammar.For(format));
        Assert.Equal(JsonSchemaGrammar.For(OutputSchema.AnyObject), JsonSchemaGrammar.For((Microsoft.Extensions.AI.ChatResponseFormatJson)OutputSchema.AnyObject.ToResponseFormat()));
    }

    [Fact]
    public void AsJson_is_any_object_and_references_end_on_recursive_types()
    {
        Assert.StartsWith("root ::= object\n", JsonSchemaGrammar.For(OutputSchema.AnyObject));
        var tree = OutputSchema.Parse("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},\"required\":[\"kids\"]}},\"$ref\":\"#/$defs/node\"}");
        var gbnf = JsonSchemaGrammar.For(tree);
        Assert.Contains("ref-node ::= \"{\" ws \"\\\"kids\\\"\" ws \":\" ws ref-node-kids \"}\" ws", gbnf);
        Assert.Empty(Undefined(gbnf));
    }

    [Fact]
    public void A_string_length_bound_bounds_the_characters()
    {
        var gbnf = JsonSchemaGrammar.For(OutputSchema.Parse("{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":12},\"note\":{\"type\":\"string\",\"minLength\":1}},\"required\":[\"code\",\"note\"]}"));
        Assert.Contains("root-code ::= \"\\\"\" char{2,12} \"\\\"\" ws\n", gbnf);
        Assert.Contains("root-note ::= \"\\\"\" char{1,} \"\\\"\" ws\n", gbnf);
        Assert.Empty(Undefined(gbnf));
    }
}
