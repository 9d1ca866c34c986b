using System;
using System.Linq;
using Xunit;

namespace Ultra.DockerModel.Tests.Docker
{
    /// <summary>The ps/df tables, configure show JSON and keep-alive texts, in every form the reference lists.</summary>
    public class RunnerRuntimeParsingTests
    {
        [Fact]
        public void Ps_table_cells_with_spaces_are_read_by_column_not_split_on_white_space()
        {
            const string head =
                "MODEL NAME            BACKEND    MODE        UNTIL               \n" +
                "smollm2               llama.cpp  completion  4 minutes from now  \n" +
                "llama3.2:1B-Q8_0      llama.cpp  embedding   Forever             \n" +
                "354bf30d0aa3          llama.cpp  completion  Loading...          \n";
            var rows = CliTable.Parse(head, "MODEL NAME");
            Assert.Equal(3, rows.Count);
            Assert.Equal("smollm2", rows[0]["MODEL NAME"]);
            Assert.Equal("4 minutes from now", rows[0]["UNTIL"]);
            Assert.Equal("embedding", rows[1]["MODE"]);
            Assert.Equal("Loading...", rows[2]["UNTIL"]);
        }

        [Fact]
        public void The_2025_ps_form_with_last_used_and_auto_install_lines_before_it_is_read()
        {
            const string legacy =
                "Starting model runner container docker-model-runner...\n" +
                "MODEL NAME  BACKEND    MODE        LAST USED\n" +
                "ai/smollm2  llama.cpp  completion  3 seconds ago\n";
            var row = Assert.Single(CliTable.Parse(legacy, "MODEL NAME"));
            Assert.Equal("ai/smollm2", row["MODEL NAME"]);
            Assert.Equal("3 seconds ago", row["LAST USED"]);
        }

        [Fact]
        public void An_empty_ps_is_the_header_alone_and_no_header_is_no_rows()
        {
            Assert.Empty(CliTable.Parse("MODEL NAME  BACKEND  MODE  UNTIL  \n", "MODEL NAME"));
            Assert.Empty(CliTable.Parse("", "MODEL NAME"));
        }

        [Fact]
        public void Df_rows_are_read_with_decimal_units()
        {
            var rows = CliTable.Parse("TYPE              SIZE     \nModels            3.54GB   \nInference engine  45.12MB  \n", "TYPE");
            Assert.Equal(new[] { "Models", "Inference engine" }, rows.Select(r => r["TYPE"]));
            Assert.Equal(3_540_000_000L, ByteSize.Parse(rows[0]["SIZE"]));
            Assert.Equal(45_120_000L, ByteSize.Parse(rows[1]["SIZE"]));
        }

        [Fact]
        public void Configure_show_json_becomes_typed_configurations()
        {
            const string show = "[\n {\n  \"Backend\": \"llama.cpp\",\n  \"Model\": \"ai/smollm2:latest\",\n" +
                "  \"ModelID\": \"sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9\",\n  \"Mode\": \"completion\",\n" +
                "  \"Config\": {\n   \"context-size\": 8192,\n   \"runtime-flags\": [\n    \"--threads\",\n    \"2\"\n   ],\n" +
                "   \"keep_alive\": \"1h0m0s\",\n   \"llamacpp\": {\n    \"reasoning-budget\": 0\n   }\n  }\n }\n]\n";
            var c = Assert.Single(DockerModelJson.ParseConfigurations(show));
            Assert.Equal("ai/smollm2:latest", c.Name);
            Assert.Equal(8192, c.ContextSize);
            Assert.Equal(new[] { "--threads", "2" }, c.RuntimeFlags);
            Assert.Equal(TimeSpan.FromHours(1), c.KeepAlive);
            Assert.False(c.Reasoning);
            Assert.Empty(DockerModelJson.ParseConfigurations("[]\n"));
        }

        [Theory]
        [InlineData("10m0s", 600)]
        [InlineData("1h30m", 5400)]
        [InlineData("1.5s", 1.5)]
        [InlineData("0", 0)]
        [InlineData("500ms", 0.5)]
        public void Keep_alive_texts_are_read_as_docker_writes_them(string text, double seconds) =>
            Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.ParseKeepAlive(text));

        [Fact]
        public void Minus_one_and_negative_durations_mean_forever_and_nonsense_is_null()
        {
            Assert.Equal(GoDuration.Forever, GoDuration.ParseKeepAlive("-1"));
            Assert.Equal(GoDuration.Forever, GoDuration.ParseKeepAlive("-5m"));
            Assert.Null(GoDuration.ParseKeepAlive("5x"));
            Assert.Null(GoDuration.ParseKeepAlive("ten minutes"));
        }

        [Fact]
        public void Keep_alive_values_are_written_as_docker_reads_them()
        {
            Assert.Equal("-1", GoDuration.FormatKeepAlive(GoDuration.Forever));
            Assert.Equal("0", GoDuration.FormatKeepAlive(TimeSpan.Zero));
            Assert.Equal("10m", GoDuration.FormatKeepAlive(TimeSpan.FromMinutes(10)));
            Assert.Equal("1h30m", GoDuration.FormatKeepAlive(TimeSpan.FromMinutes(90)));
            Assert.Equal("26h0.5s", GoDuration.FormatKeepAlive(TimeSpan.FromHours(26) + TimeSpan.FromMilliseconds(500)));
        }

        [Fact]
        public void A_change_keeps_the_settings_it_does_not_name()
        {
            var current = new ModelConfiguration { ContextSize = 8192, RuntimeFlags = new[] { "--threads", "2" }, KeepAlive = TimeSpan.FromMinutes(10) };
            var merged = new ModelConfigurationChange { KeepAlive = GoDuration.Forever }.Over(current);
            Assert.Equal(8192, merged.ContextSize);
            Assert.Equal(new[] { "--threads", "2" }, merged.RuntimeFlags);
            Assert.Equal(GoDuration.Forever, merged.KeepAlive);
            Assert.Empty(new ModelConfigurationChange { RuntimeFlags = Array.Empty<string>() }.Over(current).RuntimeFlags!);
        }

        [Theory]
        [InlineData("service unavailable\n", ErrorKind.RunnerNotRunning)]
        [InlineData("runner already active\n\n", ErrorKind.ModelInUse)]
        [InlineData("runtime flag \"--log-file\" is not allowed for backend \"llama.cpp\"\n (500 Internal Server Error)\n", ErrorKind.InvalidInvocation)]
        [InlineData("invalid keep_alive duration \"5x\": time: unknown unit \"x\" in duration \"5x\"\n", ErrorKind.InvalidInvocation)]
        [InlineData("Failed to unload models: error querying /engines/unload: Post \"http://127.0.0.1:1/engines/unload\": dial tcp 127.0.0.1:1: connect: connection refused\n", ErrorKind.RunnerUnreachable)]
        public void Configure_and_unload_errors_are_classified(string stderr, ErrorKind kind) =>
            Assert.Equal(kind, DockerErrorClassifier.Classify(stderr, 1, "ai/smollm2").Kind);
    }
}
