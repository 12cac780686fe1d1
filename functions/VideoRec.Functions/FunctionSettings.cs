using System.ComponentModel.DataAnnotations;

namespace VideoRec.Functions;

/// <summary>App settings of the function app, section <c>VideoRec</c> (app setting names <c>VideoRec__ModelPath</c> and so on).</summary>
public sealed class FunctionSettings
{
    public const string Section = "VideoRec";

    /// <summary>A model bundle directory, or a model folder with a CURRENT file, readable by the worker.</summary>
    [Required(ErrorMessage = "VideoRec:ModelPath (app setting VideoRec__ModelPath) is required: the model bundle folder to serve.")]
    public string ModelPath { get; set; } = "";
}
