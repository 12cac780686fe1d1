namespace VideoRec.TwoTower.Towers;

/// <summary>
/// The tower's forward pass in plain C#, written for clarity rather than speed: the oracle the ONNX export is tested
/// against. Sums are accumulated in double precision and the result rounded to float.
/// </summary>
/// <remarks>Thread-safe: <see cref="Forward"/> reads the weights only.</remarks>
public sealed class TowerReference
{
    private readonly TowerWeights _weights;

    /// <summary>Creates the reference forward pass of <paramref name="weights"/>, after validating them.</summary>
    /// <exception cref="ArgumentException">The weights or their layout are invalid (see <see cref="TowerWeights.Validate"/>).</exception>
    public TowerReference(TowerWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        _weights = weights;
    }

    /// <summary>The tower's architecture.</summary>
    public TowerLayout Layout => _weights.Layout;

    /// <summary>Runs the tower on a batch.</summary>
    /// <param name="inputs">The batch; see <see cref="TowerInputs"/>.</param>
    /// <returns>The embeddings, <c>[batch, out]</c> row-major (<c>out</c> = <see cref="TowerLayout.OutputDimensions"/>), each row of unit length or all zeros.</returns>
    /// <exception cref="ArgumentException">An input is missing, unknown or of the wrong length; the exception names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its table; the exception names the input.</exception>
    public float[] Forward(TowerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var layout = Layout;
        inputs.Validate(layout);

        var batch = inputs.BatchSize;
        var width = layout.InputWidth;
        var features = new double[batch * width];
        for (var b = 0; b < batch; b++)
        {
            var row = features.AsSpan(b * width, width);
            var offset = 0;
            foreach (var categorical in layout.Categoricals)
            {
                var table = layout.GetTable(categorical.Table);
                var values = _weights.Tables[table.Name];
                var id = inputs.Categoricals[categorical.Name][b];
                for (var d = 0; d < table.Dimensions; d++)
                {
                    row[offset + d] = values[(id * table.Dimensions) + d];
                }

                offset += table.Dimensions;
            }

            foreach (var bag in layout.Bags)
            {
                var table = layout.GetTable(bag.Table);
                var values = _weights.Tables[table.Name];
                var input = inputs.Bags[bag.Name];
                var count = 0;
                for (var j = 0; j < input.Length; j++)
                {
                    var id = input.Ids[(b * input.Length) + j];
                    if (id == TowerLayout.Padding)
                    {
                        continue;
                    }

                    count++;
                    for (var d = 0; d < table.Dimensions; d++)
                    {
                        row[offset + d] += values[(id * table.Dimensions) + d];
                    }
                }

                if (count > 0)
                {
                    for (var d = 0; d < table.Dimensions; d++)
                    {
                        row[offset + d] /= count;
                    }
                }

                offset += table.Dimensions;
            }

            foreach (var dense in layout.Denses)
            {
                var values = inputs.Denses[dense.Name];
                for (var d = 0; d < dense.Width; d++)
                {
                    row[offset + d] = values[(b * dense.Width) + d];
                }

                offset += dense.Width;
            }
        }

        var activations = features;
        for (var l = 0; l < _weights.Layers.Count; l++)
        {
            var layer = _weights.Layers[l];
            var hidden = l < layout.Hidden.Length;
            var outWidth = layer.Bias.Length;
            var next = new double[batch * outWidth];
            for (var b = 0; b < batch; b++)
            {
                for (var o = 0; o < outWidth; o++)
                {
                    double sum = layer.Bias[o];
                    for (var i = 0; i < width; i++)
                    {
                        sum += layer.Weight[(o * width) + i] * activations[(b * width) + i];
                    }

                    next[(b * outWidth) + o] = hidden ? Math.Max(sum, 0) : sum;
                }
            }

            activations = next;
            width = outWidth;
        }

        var output = new float[batch * width];
        for (var b = 0; b < batch; b++)
        {
            var squares = 0.0;
            for (var o = 0; o < width; o++)
            {
                var x = activations[(b * width) + o];
                squares += x * x;
            }

            var norm = Math.Max(Math.Sqrt(squares), TowerLayout.NormEpsilon);
            for (var o = 0; o < width; o++)
            {
                output[(b * width) + o] = (float)(activations[(b * width) + o] / norm);
            }
        }

        return output;
    }
}
