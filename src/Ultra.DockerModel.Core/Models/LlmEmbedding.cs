using System;

namespace Ultra.DockerModel
{
    /// <summary>One input's embedding. <see cref="Similarity"/> is set when the call had a query to compare with.</summary>
    public sealed record LlmEmbedding
    {
        public string Text { get; init; } = "";
        public float[] Vector { get; init; } = Array.Empty<float>();
        public string? Model { get; init; }
        /// <summary>The provider that made the vector (its name in the fallback chain, or <c>DockerModelRunner</c>).</summary>
        public string Provider { get; init; } = "";
        public int Dimensions => Vector.Length;
        /// <summary>Cosine similarity to the query (-Query): 1 same direction, 0 unrelated, -1 opposite; null without a query.</summary>
        public double? Similarity { get; init; }

        /// <summary>The cosine similarity of this vector and <paramref name="other"/>'s.</summary>
        public double CosineSimilarity(LlmEmbedding other) => Cosine(Vector, other.Vector);

        /// <summary>The cosine of the angle between two vectors of the same length (0 when either is all zeros).</summary>
        public static double Cosine(float[] a, float[] b)
        {
            if (a.Length != b.Length)
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"Vectors of different lengths ({a.Length} and {b.Length}) cannot be compared: were they made by the same model?");
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                dot += (double)a[i] * b[i];
                na += (double)a[i] * a[i];
                nb += (double)b[i] * b[i];
            }
            return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
        }

        public override string ToString() => Text;
    }
}
