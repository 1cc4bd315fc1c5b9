console.log("app");
//# sourceMappingURL=main.4f2a.js.map
