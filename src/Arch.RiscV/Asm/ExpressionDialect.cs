namespace KernelModel.Arch.RiscV.Asm;

/// <summary>Whose operator precedence an expression follows.</summary>
public enum ExpressionDialect
{
    /// <summary>The C preprocessor's <c>#if</c>: C's precedence and <c>?:</c>; unknown identifiers are 0.</summary>
    Preprocessor,

    /// <summary>
    /// GNU as (Infix Operators): <c>* / % &lt;&lt; &gt;&gt;</c> bind tightest, then <c>| &amp; ^</c>, then
    /// <c>+ -</c> and the comparisons, then <c>&amp;&amp; ||</c>; an unknown symbol is an error.
    /// </summary>
    Gas,
}
