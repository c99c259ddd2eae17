window.vegaEmbed = vegaEmbed;
window.vega = vega;
window.vegaLite = vegaLite;
