using System.Text;

namespace ModelRunnerStandIn.Plugin;

public sealed record FlagSpec(string Name, char? Short, bool IsBool, string Help, string? Default = null);

/// <summary>A subcommand's cobra metadata: what the usage and error texts are built from.</summary>
public sealed record CommandSpec(string Name, string Use, string Short, FlagSpec[] Flags, string[]? Aliases = null, bool Hidden = false)
{
    public string Path => "docker model " + Name;
    public string UseLine => "docker model " + Use;
}

public sealed class ParsedArgs
{
    public List<string> Positionals { get; } = new();
    /// <summary>How many positionals came before `--` (cobra's ArgsLenAtDash); null when there was none.</summary>
    public int? DashAt { get; set; }
    public Dictionary<string, string> Values { get; } = new();
    public bool Help { get; set; }

    public bool Flag(string name) => Values.TryGetValue(name, out var v) && v == "true";
    public string? Value(string name) => Values.TryGetValue(name, out var v) ? v : null;
}

/// <summary>An error the plugin prints to stderr once, then exits 1 (cmd/cli/main.go).</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>Ends the plugin with a code and nothing more on stderr (status: not running).</summary>
public sealed class ExitException(int code) : Exception("exit " + code)
{
    public int Code { get; } = code;
}

/// <summary>pflag's parsing as cobra uses it: flags anywhere, `--` ends flags, docker's FlagErrorFunc texts.</summary>
public static class CommandLine
{
    public static ParsedArgs Parse(CommandSpec cmd, IReadOnlyList<string> args)
    {
        var result = new ParsedArgs();
        foreach (var f in cmd.Flags)
            if (f.Default is not null) result.Values[f.Name] = f.Default;

        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                result.DashAt = result.Positionals.Count;
                for (i++; i < args.Count; i++) result.Positionals.Add(args[i]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var body = a[2..];
                int eq = body.IndexOf('=');
                var name = eq >= 0 ? body[..eq] : body;
                if (name is "help") { result.Help = true; continue; }
                var spec = cmd.Flags.FirstOrDefault(f => f.Name == name) ?? throw FlagError(cmd, $"unknown flag: --{name}");
                if (spec.IsBool) result.Values[name] = eq >= 0 ? ParseBool(cmd, body[(eq + 1)..], "--" + name) : "true";
                else if (eq >= 0) result.Values[name] = body[(eq + 1)..];
                else if (i + 1 < args.Count) result.Values[name] = args[++i];
                else throw FlagError(cmd, $"flag needs an argument: --{name}");
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int k = 1; k < a.Length; k++)
                {
                    char c = a[k];
                    if (c == 'h') { result.Help = true; continue; }
                    var spec = cmd.Flags.FirstOrDefault(f => f.Short == c) ?? throw FlagError(cmd, $"unknown shorthand flag: '{c}' in {a}");
                    if (spec.IsBool)
                    {
                        if (k + 1 < a.Length && a[k + 1] == '=')
                        {
                            result.Values[spec.Name] = ParseBool(cmd, a[(k + 2)..], "-" + c);
                            break;
                        }
                        result.Values[spec.Name] = "true";
                        continue;
                    }
                    if (k + 1 < a.Length) result.Values[spec.Name] = a[(k + 1)..].TrimStart('=');
                    else if (i + 1 < args.Count) result.Values[spec.Name] = args[++i];
                    else throw FlagError(cmd, $"flag needs an argument: '{c}' in -{c}");
                    break;
                }
                continue;
            }
            result.Positionals.Add(a);
        }
        return result;
    }

    private static string ParseBool(CommandSpec cmd, string v, string flag) => v switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => "true",
        "0" or "f" or "F" or "FALSE" or "false" or "False" => "false",
        _ => throw FlagError(cmd, $"invalid argument {Shared.GoFormat.Quote(v)} for {Shared.GoFormat.Quote(flag)} flag: strconv.ParseBool: parsing {Shared.GoFormat.Quote(v)}: invalid syntax"),
    };

    /// <summary>docker/cli's FlagErrorFunc.</summary>
    public static CliException FlagError(CommandSpec cmd, string error) =>
        new($"{error}\n\nUsage:  {cmd.UseLine}\n\nRun '{cmd.Path} --help' for more information");

    /// <summary>requireExactArgs / requireMinArgs of model-runner (legacy model-cli: no "(s)").</summary>
    public static CliException ArgCountError(CommandSpec cmd, string requirement, string usageArgs, bool legacy)
    {
        var unit = !legacy ? "argument(s)" : requirement.EndsWith('1') ? "argument" : "arguments";
        return new CliException(
            $"'{cmd.Path}' requires {requirement} {unit}.\n\nUsage:  docker model {cmd.Name} {usageArgs}\n\nSee '{cmd.Path} --help' for more information");
    }

    public static string Help(CommandSpec cmd)
    {
        var sb = new StringBuilder();
        sb.Append("\nUsage:  ").Append(cmd.UseLine).Append("\n\n").Append(cmd.Short).Append('\n');
        if (cmd.Aliases is { Length: > 0 })
        {
            sb.Append("\nAliases:\n  ").Append(string.Join(", ", new[] { cmd.Name }.Concat(cmd.Aliases).Select(a => "docker model " + a))).Append('\n');
        }
        if (cmd.Flags.Length > 0)
        {
            sb.Append("\nOptions:\n");
            var lefts = cmd.Flags.Select(f => (f.Short is { } s ? $"  -{s}, " : "      ") + "--" + f.Name + (f.IsBool ? "" : " string")).ToList();
            int width = lefts.Max(l => l.Length);
            for (int i = 0; i < cmd.Flags.Length; i++)
            {
                var f = cmd.Flags[i];
                sb.Append(lefts[i].PadRight(width)).Append("   ").Append(f.Help);
                if (!f.IsBool && !string.IsNullOrEmpty(f.Default)) sb.Append($" (default {Shared.GoFormat.Quote(f.Default)})");
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    public static string RootHelp(IEnumerable<CommandSpec> commands)
    {
        var sb = new StringBuilder("\nUsage:  docker model COMMAND\n\nDocker Model Runner\n\nCommands:\n");
        foreach (var c in commands.Where(c => !c.Hidden).OrderBy(c => c.Name, StringComparer.Ordinal))
            sb.Append("  ").Append(c.Name.PadRight(12)).Append(c.Short).Append('\n');
        sb.Append("\nRun 'docker model COMMAND --help' for more information on a command.\n");
        return sb.ToString();
    }
}
