using System;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Decides where the answer starts in the first bytes <c>docker model run</c> prints. Before the answer the CLI may
    /// print the runner's auto-install preamble (skipped, line by line: <see cref="DockerCliNoise"/>) or its auto-pull
    /// notice (reported, so the silent download can be stopped). A partial line is held back only while it can still
    /// become one of those; once the runner is known to be installed the preamble cannot come, and only the notice is
    /// watched for.
    /// </summary>
    public sealed class CliAnswerHead
    {
        public const string AutoPullNotice = "Unable to find model '";
        /// <summary><see cref="AnswerStart"/>: the text so far may still be preamble or the notice.</summary>
        public const int Wait = -1;
        /// <summary><see cref="AnswerStart"/>: the CLI is pulling the model on its own.</summary>
        public const int AutoPull = -2;

        private readonly bool _preambleExpected;

        /// <param name="runnerKnownInstalled">This session has seen the runner installed: no preamble is filtered.</param>
        public CliAnswerHead(bool runnerKnownInstalled) => _preambleExpected = !runnerKnownInstalled;

        /// <summary>
        /// Where the answer starts in <paramref name="text"/> (everything printed so far; skipped lines are ASCII, so
        /// the index is also a byte offset), or <see cref="Wait"/>, or <see cref="AutoPull"/>.
        /// </summary>
        public int AnswerStart(string text, bool atEnd)
        {
            int pos = 0;
            bool inPreamble = false;
            while (true)
            {
                int nl = text.IndexOf('\n', pos);
                string line = nl < 0 ? text.Substring(pos) : text.Substring(pos, nl - pos);
                // model-cli v0.1.42 printed an empty line before "Successfully pulled".
                if (nl >= 0 && _preambleExpected && (DockerCliNoise.IsNoiseLine(line) || (inPreamble && line.Length == 0)))
                {
                    inPreamble = true;
                    pos = nl + 1;
                    continue;
                }
                if (line.StartsWith(AutoPullNotice, StringComparison.Ordinal)) return AutoPull;
                bool mayGrow = nl < 0 && !atEnd;
                if (mayGrow && (AutoPullNotice.StartsWith(line, StringComparison.Ordinal) || (_preambleExpected && DockerCliNoise.CouldBecomeNoiseLine(line))))
                    return Wait;
                return pos;
            }
        }
    }
}
