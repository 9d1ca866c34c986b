using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Docker Model Runner over its CLI: <c>docker model run --color no MODEL -- PROMPT</c>, stdout streamed as it is
    /// printed. It carries one user prompt only (no system prompt, options or history: the CLI has no way to pass them).
    /// A model that is not installed is refused before the CLI's automatic pull can start: <c>docker model inspect</c>
    /// first (remembered for a few minutes), and should the model vanish in between, the CLI is stopped at its
    /// "Unable to find model" notice.
    /// </summary>
    public sealed class DockerCliChatClient : IChatClient
    {
        // Windows command lines stop at 32K characters; longer prompts go through stdin, which the CLI reads to its end.
        private const int MaxArgumentPrompt = 30000;
        private readonly DockerCli _cli;
        private readonly string _model;
        private readonly string _reference; // what docker is given: normalized (see DockerModelClient.ForDocker)

        public DockerCliChatClient(DockerCli cli, string model)
        {
            _cli = cli;
            _reference = DockerModelClient.ForDocker(model);
            _model = model;
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            if (!ChatRequest.IsPlainPrompt(list, options))
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"The docker CLI transport carries a single prompt only; {ChatRequest.CliCannotCarry} need the HTTP transport.");
            if (CliPrompt.Problem(list[0].Text) is { } problem)
                throw new DockerModelException(ErrorKind.InvalidInvocation, problem + " Use the HTTP transport (-Transport Http) for this prompt.");
            var channel = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var run = RunAsync(list[0].Text, channel.Writer, stop.Token);
            try
            {
                while (await channel.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                    while (channel.Reader.TryRead(out var update)) yield return update;
                await run.ConfigureAwait(false);
            }
            finally
            {
                // The consumer stopped early (Select-Object -First, Ctrl+C) or failed: kill the child now.
                stop.Cancel();
                try { await run.ConfigureAwait(false); } catch { /* already reported or cancelled */ }
            }
        }

        private async Task RunAsync(string prompt, ChannelWriter<ChatResponseUpdate> writer, CancellationToken cancellationToken)
        {
            try
            {
                await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
                var (result, decoder, answered) = await RunOnceAsync(prompt, writer, !_cli.RunRejectsColorFlag, cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0 && !answered && result.StandardError.Contains("unknown flag: --color"))
                {
                    _cli.RunRejectsColorFlag = true; // a CLI older than 2025-09 prints plain text anyway
                    (result, decoder, answered) = await RunOnceAsync(prompt, writer, false, cancellationToken).ConfigureAwait(false);
                }
                if (result.ExitCode != 0)
                {
                    var error = DockerErrorClassifier.Classify(result.StandardError, result.ExitCode, _model);
                    if (answered) error = Interrupted(error);
                    throw error;
                }
                string tail = decoder.Complete();
                WriteReasoning(decoder, writer);
                if (tail.Length > 0) writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, tail));
                var final = new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop, ModelId = _model };
                if (decoder.PromptTokens != null)
                    final.Contents.Add(new UsageContent(new UsageDetails { InputTokenCount = decoder.PromptTokens, OutputTokenCount = decoder.CompletionTokens }));
                if (decoder.InvalidSequences > 0)
                    final.AdditionalProperties = ChatRequest.InvalidUtf8(decoder.InvalidSequences);
                writer.TryWrite(final);
                writer.TryComplete();
            }
            catch (Exception e)
            {
                writer.TryComplete(e);
            }
        }

        /// <summary>
        /// Throws <see cref="ModelNotFoundException"/> for a model that is not installed, before <c>docker model run</c>
        /// could start downloading it. Errors that say nothing about the model are left for the run to report.
        /// </summary>
        private async Task EnsureInstalledAsync(CancellationToken cancellationToken)
        {
            if (InstalledModels.IsKnown(_cli, _model)) return;
            var result = await _cli.RunAsync(new[] { "model", "inspect", _reference }, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                InstalledModels.Remember(_cli, _model);
                return;
            }
            var error = DockerErrorClassifier.Classify(result.StandardError, result.ExitCode, _model);
            if (error.Kind is ErrorKind.ModelNotFound or ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing
                or ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable)
                throw error;
        }

        /// <summary>Passes on the reasoning the decoder split off (the CLI's Thinking block), apart from the answer.</summary>
        private static bool WriteReasoning(CliAnswerDecoder decoder, ChannelWriter<ChatResponseUpdate> writer)
        {
            string thought = decoder.TakeReasoning();
            if (thought.Length == 0) return false;
            writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new TextReasoningContent(thought) }));
            return true;
        }

        private static DockerModelException Interrupted(DockerModelException cause) =>
            new(ErrorKind.StreamInterrupted, $"The answer stopped part-way: {cause.Message}", cause.RawError, cause) { Model = cause.Model, ExitCode = cause.ExitCode };

        private async Task<(CliResult Result, CliAnswerDecoder Decoder, bool Answered)> RunOnceAsync(string prompt, ChannelWriter<ChatResponseUpdate> writer,
            bool colorFlag, CancellationToken cancellationToken)
        {
            var args = new List<string> { "model", "run" };
            if (colorFlag) args.AddRange(new[] { "--color", "no" });
            args.Add(_reference);
            bool viaStdin = prompt.Length > MaxArgumentPrompt;
            if (!viaStdin) args.AddRange(new[] { "--", prompt });

            var decoder = new CliAnswerDecoder();
            bool answered = false;
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bool autoPullStarted = false;
            // The first bytes, held until they are known to be the answer: the CLI may first print the runner's
            // auto-install lines (skipped) or its auto-pull notice (refused).
            var head = new List<byte>();
            var answerHead = new CliAnswerHead(_cli.Runner.IsKnownInstalled(_cli));
            int AnswerStart(bool atEnd) => answerHead.AnswerStart(Encoding.UTF8.GetString(head.ToArray()), atEnd);

            void Emit(byte[] bytes, int offset, int count)
            {
                string text = decoder.Push(bytes, offset, count);
                answered |= WriteReasoning(decoder, writer);
                if (text.Length == 0) return;
                answered = true;
                writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, text));
            }

            async Task Read(Stream stdout, CancellationToken token)
            {
                var buffer = new byte[16384];
                int n;
                while ((n = await stdout.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                {
                    if (head == null)
                    {
                        Emit(buffer, 0, n);
                        continue;
                    }
                    head.AddRange(new ArraySegment<byte>(buffer, 0, n));
                    int start = AnswerStart(atEnd: false);
                    if (start == CliAnswerHead.AutoPull)
                    {
                        autoPullStarted = true; // refuse the silent download: stop the CLI before it gets far
                        abort.Cancel();
                        return;
                    }
                    if (start == CliAnswerHead.Wait) continue;
                    Emit(head.ToArray(), start, head.Count - start);
                    head = null;
                }
                if (head is { Count: > 0 } && AnswerStart(atEnd: true) is int rest && rest >= 0)
                    Emit(head.ToArray(), rest, head.Count - rest);
            }

            try
            {
                var result = await _cli.RunStreamAsync(args, Read, abort.Token, viaStdin ? prompt : null).ConfigureAwait(false);
                return (result, decoder, answered);
            }
            catch (OperationCanceledException) when (autoPullStarted && !cancellationToken.IsCancellationRequested)
            {
                throw new ModelNotFoundException(_model);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
