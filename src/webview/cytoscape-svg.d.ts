// cytoscape-svg ships no types: an extension that adds cy.svg()
declare module "cytoscape-svg" {
  const extension: cytoscape.Ext;
  export default extension;
}
