using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel
{
    internal static class TaskExtensions
    {
        /// <summary>Awaits a task that takes no token (netstandard2.0's ReadLineAsync) but gives up when the token fires.</summary>
        public static async Task<T> WithCancellation<T>(this Task<T> task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled) return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                    throw new System.OperationCanceledException(cancellationToken);
            }
            return await task.ConfigureAwait(false);
        }

        /// <summary>Awaits a task but gives up when the token fires (the task goes on; its outcome is the caller's to observe).</summary>
        public static async Task WithCancellation(this Task task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled)
            {
                await task.ConfigureAwait(false);
                return;
            }
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                    throw new System.OperationCanceledException(cancellationToken);
            }
            await task.ConfigureAwait(false);
        }
    }
}
