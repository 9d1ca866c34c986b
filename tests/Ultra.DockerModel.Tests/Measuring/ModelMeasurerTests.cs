using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Measuring;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Tests.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Measuring;

/// <summary>The measurer over scripted providers (no process, no network): what it counts, keeps and gives up on.</summary>
public class ModelMeasurerTests
{
    private static LlmProvider Remote() => Chain.OpenAI(Chain.Unique("remote"), "http://127.0.0.1:9/v1", "m");

    private static ModelMeasurer Measurer(ScriptedFactory factory) =>
        new(new LlmRouter(factory, new ProviderCooldown()), new ModelMemory(factory));

    [Fact]
    public async Task A_failed_run_is_counted_and_the_others_still_give_the_figures()
    {
        var provider = Remote();
        var factory = new ScriptedFactory().On(provider.Name,
            Scripts.Answer("cold"), Scripts.Answer("a", "b"), Scripts.Fail(new DockerModelException(ErrorKind.ServerError, "boom")), Scripts.Answer("c"));
        var m = await Measurer(factory).MeasureAsync(provider, new MeasureOptions { Repeat = 3 }, null, new RecordingObserver(), CancellationToken.None);
        Assert.Equal(3, m.Runs);
        Assert.Equal(1, m.Failures);
        Assert.Equal("boom", m.Error);
        Assert.NotNull(m.TotalMs);
        Assert.Null(m.LoadMs); // a remote endpoint is not unloaded, so no load is measured
        Assert.Null(m.TokensPerSecond); // the scripts report no token counts
        Assert.Equal(4, factory.CallsTo(provider.Name));
    }

    [Fact]
    public async Task A_first_call_that_writes_no_text_still_gives_the_load_from_the_totals()
    {
        // An Embedded provider on a file: the measurer unloads it (nothing to do here) and so measures the load.
        string file = Path.Combine(Path.GetTempPath(), Chain.Unique("measured") + ".gguf");
        File.WriteAllBytes(file, new byte[] { 1 });
        try
        {
            var provider = new LlmProvider { Name = Chain.Unique("embedded"), Kind = LlmProviderKind.Embedded, Model = file };
            var factory = new ScriptedFactory().On(provider.Name, Scripts.Answer(), Scripts.Answer("a", "b"), Scripts.Answer("c"));
            var m = await Measurer(factory).MeasureAsync(provider, new MeasureOptions { Repeat = 2 }, null, new RecordingObserver(), CancellationToken.None);
            Assert.Null(m.ColdFirstTokenMs);
            Assert.NotNull(m.FirstTokenMs);
            Assert.NotNull(m.LoadMs);
            Assert.True(m.LoadMs >= 0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_model_ends_the_measurement_at_the_first_call()
    {
        var provider = Remote();
        var factory = new ScriptedFactory().On(provider.Name, Scripts.Fail(new ModelNotFoundException("m")));
        await Assert.ThrowsAsync<ModelNotFoundException>(() =>
            Measurer(factory).MeasureAsync(provider, new MeasureOptions { Repeat = 5 }, null, new RecordingObserver(), CancellationToken.None));
        Assert.Equal(1, factory.CallsTo(provider.Name));
    }

    [Fact]
    public async Task Cancelling_stops_inside_a_run_and_starts_no_other()
    {
        var provider = Remote();
        var factory = new ScriptedFactory().On(provider.Name, Scripts.Answer("cold"), Scripts.Hang());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Measurer(factory).MeasureAsync(provider, new MeasureOptions { Repeat = 5 }, null, new RecordingObserver(), cancel.Token));
        Assert.Equal(2, factory.CallsTo(provider.Name));
    }

    [Fact]
    public void Median_and_spread_are_the_middle_value_and_the_sample_standard_deviation()
    {
        Assert.Equal(2, Statistics.Median(new double[] { 3, 1, 2 }));
        Assert.Equal(2.5, Statistics.Median(new double[] { 4, 1, 2, 3 }));
        Assert.Equal(1, Statistics.Spread(new double[] { 1, 2, 3 }));
        Assert.Equal(0, Statistics.Spread(new double[] { 7 }));
        Assert.Null(Statistics.Median(Array.Empty<double>()));
    }

    [Fact]
    public void The_markdown_table_has_a_row_per_measurement_with_medians_and_spreads()
    {
        var md = MeasurementTable.ToMarkdown(new[]
        {
            new ModelMeasurement { Model = "ai/smollm2:latest", Provider = "local", Runs = 3, LoadMs = 412.4, FirstTokenMs = 38, FirstTokenSpreadMs = 4.2,
                TokensPerSecond = 118.04, TokensPerSecondSpread = 5, TotalMs = 512, TotalSpreadMs = 20 },
            new ModelMeasurement { Model = "x", Provider = "remote", Runs = 3, Failures = 1 },
        });
        Assert.Equal(
            "| Model | Provider | Load (ms) | First token (ms) | Tokens/s | Total (ms) | Peak memory | Runs |\n" +
            "|---|---|---:|---:|---:|---:|---:|---:|\n" +
            "| ai/smollm2:latest | local | 412 | 38 ± 4 | 118.0 ± 5.0 | 512 ± 20 | n/a | 3 |\n" +
            "| x | remote | n/a | n/a | n/a | n/a | n/a | 2 of 3 |\n", md);
    }
}
