using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel.Routing
{
    /// <summary>The one line that tells a user (and a script's log) that the answer came from someone else than asked first.</summary>
    public static class FallbackNotice
    {
        /// <summary>
        /// Who failed and why, and who answered; null when the first provider tried (or skipped) answered itself,
        /// however often it was retried or had to pull its model first.
        /// </summary>
        public static string? For(IReadOnlyList<LlmAttempt> attempts)
        {
            var answered = attempts.LastOrDefault(a => a.Succeeded);
            if (answered is null || attempts.Count == 0 || SameSource(attempts[0], answered)) return null;
            // One clause per provider that did not answer, even when it was retried.
            var others = attempts.Where(a => !a.Succeeded && !SameSource(a, answered))
                .GroupBy(a => (a.Provider, a.Model)).Select(g => g.Last());
            string why = string.Join(", ", others.Select(a => a.ErrorId == LlmRouter.CooledDown
                ? $"'{a.Provider}' ({a.Model}) was skipped (unavailable moments ago, cool-down)"
                : $"'{a.Provider}' ({a.Model}) failed ({a.ErrorId})"));
            return $"{why}, so '{answered.Provider}' ({answered.Model}) answered. The response's Attempts say more.";
        }

        private static bool SameSource(LlmAttempt a, LlmAttempt b) => a.Provider == b.Provider && a.Model == b.Model;
    }
}
