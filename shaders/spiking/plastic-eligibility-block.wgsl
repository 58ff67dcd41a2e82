// One projection's block of plastic-eligibility: the generated `synapse` part loads the synapse's weight,
// its eligibility at this step (lazy: its value after the last change times the decay table at that
// change's age), the instance's parameters and modulator M, runs the code and stores the weight.
{
  //!splice constants
  if (flat < BATCH * S) {
    let b = flat / S;
    let wi = flat;
    //!splice synapse
  }
}
